(module
 (type $0 (func (param i32 i32 i32) (result i32)))
 (type $1 (func (param i32 i32) (result i32)))
 (type $2 (func (param i32 i32 i32 i32) (result i32)))
 (type $3 (func (result i32)))
 (type $4 (func (param i32) (result i32)))
 (import "e" "mem" (memory $mimport$0 1 65536))
 (import "e" "tbl" (table $timport$0 0 funcref))
 (import "h" "callout" (func $fimport$0 (type $1) (param i32 i32) (result i32)))
 (import "h" "cond" (func $fimport$1 (type $4) (param i32) (result i32)))
 (import "h" "cf" (func $fimport$2 (type $3) (result i32)))
 (import "h" "stopped" (func $fimport$3 (type $3) (result i32)))
 (import "h" "rd1" (func $fimport$4 (type $0) (param i32 i32 i32) (result i32)))
 (import "h" "rd2" (func $fimport$5 (type $0) (param i32 i32 i32) (result i32)))
 (import "h" "rd4" (func $fimport$6 (type $0) (param i32 i32 i32) (result i32)))
 (import "h" "wr1" (func $fimport$7 (type $2) (param i32 i32 i32 i32) (result i32)))
 (import "h" "wr2" (func $fimport$8 (type $2) (param i32 i32 i32 i32) (result i32)))
 (import "h" "wr4" (func $fimport$9 (type $2) (param i32 i32 i32 i32) (result i32)))
 (export "b0" (func $b0))
 (func $chain260171 (type $0) (param $0 i32) (param $1 i32) (param $2 i32) (result i32)
  (local $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (i32.store offset=32
   (i32.const 0)
   (local.get $2)
  )
  (local.set $3
   (local.get $2)
  )
  (local.set $4
   (i32.load offset=4096
    (i32.shl
     (i32.shr_u
      (local.get $3)
      (i32.const 12)
     )
     (i32.const 2)
    )
   )
  )
  (if
   (i32.ne
    (i32.and
     (local.get $4)
     (i32.const 9)
    )
    (i32.const 1)
   )
   (then
    (return
     (local.get $1)
    )
   )
  )
  (local.set $3
   (i32.xor
    (i32.and
     (local.get $4)
     (i32.const -4096)
    )
    (local.get $3)
   )
  )
  (local.set $5
   (i32.shl
    (i32.and
     (i32.xor
      (local.get $3)
      (i32.shr_u
       (local.get $3)
       (i32.const 12)
      )
     )
     (i32.const 8191)
    )
    (i32.const 4)
   )
  )
  (if
   (i32.ne
    (i32.load offset=4198400
     (local.get $5)
    )
    (local.get $3)
   )
   (then
    (return
     (local.get $1)
    )
   )
  )
  (if
   (i32.ne
    (i32.load offset=4198404
     (local.get $5)
    )
    (local.get $2)
   )
   (then
    (return
     (local.get $1)
    )
   )
  )
  (local.set $6
   (i32.load offset=4198408
    (local.get $5)
   )
  )
  (if
   (i32.ne
    (i32.and
     (local.get $6)
     (i32.const 16777215)
    )
    (i32.const 260171)
   )
   (then
    (return
     (local.get $1)
    )
   )
  )
  (if
   (i32.gt_u
    (i32.add
     (local.get $1)
     (i32.shr_u
      (local.get $6)
      (i32.const 24)
     )
    )
    (local.get $0)
   )
   (then
    (return
     (local.get $1)
    )
   )
  )
  (return_call_indirect $timport$0 (type $1)
   (local.get $0)
   (local.get $1)
   (i32.load offset=4198412
    (local.get $5)
   )
  )
 )
 (func $b0 (type $1) (param $0 i32) (param $1 i32) (result i32)
  (local $2 i32)
  (local $3 i32)
  (local $4 i32)
  (local $5 i32)
  (local $6 i32)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 i32)
  (local $13 i32)
  (local $14 i32)
  (local $15 i32)
  (local $16 i32)
  (local $17 i32)
  (local $18 i32)
  (local $19 i32)
  (local $20 i32)
  (local $21 i32)
  (local $22 i32)
  (local $23 i32)
  (local $24 i32)
  (local $25 i32)
  (local $26 i32)
  (local $27 i32)
  (local $28 i32)
  (local $29 i32)
  (local $30 i32)
  (local $31 i32)
  (local $32 i32)
  (local $33 i32)
  (local $34 i32)
  (local $35 i32)
  (local $36 i32)
  (local $37 i32)
  (local $38 i32)
  (local $39 i32)
  (local $40 i32)
  (local $41 i32)
  (local $42 i32)
  (local $43 i32)
  (local $44 i32)
  (local $45 i32)
  (local $46 i32)
  (local $47 i32)
  (local $48 i32)
  (local.set $10
   (i32.sub
    (local.get $0)
    (local.get $1)
   )
  )
  (local.set $12
   (select
    (i32.const -1)
    (i32.const 1)
    (i32.and
     (i32.load offset=36
      (i32.const 0)
     )
     (i32.const 1024)
    )
   )
  )
  (local.set $2
   (i32.load
    (i32.const 0)
   )
  )
  (local.set $3
   (i32.load offset=4
    (i32.const 0)
   )
  )
  (local.set $4
   (i32.load offset=8
    (i32.const 0)
   )
  )
  (local.set $5
   (i32.load offset=12
    (i32.const 0)
   )
  )
  (local.set $6
   (i32.load offset=16
    (i32.const 0)
   )
  )
  (local.set $7
   (i32.load offset=20
    (i32.const 0)
   )
  )
  (local.set $8
   (i32.load offset=24
    (i32.const 0)
   )
  )
  (local.set $9
   (i32.load offset=28
    (i32.const 0)
   )
  )
  (local.set $13
   (i32.const -2)
  )
  (local.set $19
   (i32.sub
    (local.get $2)
    (local.get $9)
   )
  )
  (local.set $20
   (select
    (i32.div_u
     (local.get $19)
     (i32.const 1)
    )
    (i32.const 0)
    (i32.and
     (i32.eqz
      (i32.rem_u
       (local.get $19)
       (i32.const 1)
      )
     )
     (i32.ne
      (local.get $19)
      (i32.const 0)
     )
    )
   )
  )
  (local.set $21
   (i32.shr_u
    (local.get $20)
    (i32.const 4)
   )
  )
  (local.set $22
   (select
    (i32.const 0)
    (i32.div_u
     (i32.sub
      (local.get $10)
      (i32.const 3)
     )
     (i32.const 48)
    )
    (i32.lt_u
     (local.get $10)
     (i32.const 3)
    )
   )
  )
  (local.set $21
   (select
    (local.get $22)
    (local.get $21)
    (i32.lt_u
     (local.get $22)
     (local.get $21)
    )
   )
  )
  (local.set $23
   (i32.const 262144)
  )
  (local.set $21
   (select
    (local.get $23)
    (local.get $21)
    (i32.lt_u
     (local.get $23)
     (local.get $21)
    )
   )
  )
  (local.set $21
   (select
    (i32.const 0)
    (local.get $21)
    (i32.or
     (local.get $11)
     (i32.ne
      (local.get $12)
      (i32.const 1)
     )
    )
   )
  )
  (local.set $24
   (i32.shl
    (local.get $21)
    (i32.const 4)
   )
  )
  (local.set $25
   (i32.add
    (i32.const 0)
    (local.get $8)
   )
  )
  (local.set $26
   (i32.add
    (i32.const 0)
    (local.get $9)
   )
  )
  (local.set $27
   (i32.ne
    (local.get $21)
    (i32.const 0)
   )
  )
  (local.set $27
   (i32.and
    (local.get $27)
    (i32.le_u
     (local.get $25)
     (i32.sub
      (i32.const 4194304)
      (local.get $24)
     )
    )
   )
  )
  (local.set $27
   (i32.and
    (local.get $27)
    (i32.le_u
     (local.get $26)
     (i32.sub
      (i32.const 4194304)
      (local.get $24)
     )
    )
   )
  )
  (local.set $27
   (i32.and
    (local.get $27)
    (i32.ge_u
     (i32.sub
      (i32.sub
       (local.get $26)
       (local.get $25)
      )
      (i32.const 1)
     )
     (i32.const 15)
    )
   )
  )
  (local.set $28
   (i32.shr_u
    (local.get $26)
    (i32.const 12)
   )
  )
  (local.set $29
   (i32.shr_u
    (i32.sub
     (i32.add
      (local.get $26)
      (local.get $24)
     )
     (i32.const 1)
    )
    (i32.const 12)
   )
  )
  (if
   (local.get $27)
   (then
    (block $block
     (loop $label
      (if
       (i32.eqz
        (i32.eq
         (i32.and
          (i32.load offset=4096
           (i32.shl
            (local.get $28)
            (i32.const 2)
           )
          )
          (i32.const 27)
         )
         (i32.const 3)
        )
       )
       (then
        (local.set $27
         (i32.const 0)
        )
        (br $block)
       )
      )
      (local.set $28
       (i32.add
        (local.get $28)
        (i32.const 1)
       )
      )
      (br_if $label
       (i32.le_u
        (local.get $28)
        (local.get $29)
       )
      )
     )
    )
   )
  )
  (if
   (local.get $27)
   (then
    (local.set $30
     (local.get $8)
    )
    (local.set $31
     (local.get $9)
    )
    (local.set $32
     (local.get $21)
    )
    (loop $label1
     (v128.store offset=8388608 align=1
      (local.get $26)
      (v128.load offset=8388608 align=1
       (local.get $25)
      )
     )
     (local.set $25
      (i32.add
       (local.get $25)
       (i32.const 16)
      )
     )
     (local.set $26
      (i32.add
       (local.get $26)
       (i32.const 16)
      )
     )
     (local.set $30
      (i32.add
       (local.get $30)
       (i32.const 16)
      )
     )
     (local.set $31
      (i32.add
       (local.get $31)
       (i32.const 16)
      )
     )
     (local.set $32
      (i32.sub
       (local.get $32)
       (i32.const 1)
      )
     )
     (br_if $label1
      (local.get $32)
     )
    )
    (local.set $8
     (i32.add
      (local.get $8)
      (i32.mul
       (local.get $21)
       (i32.const 16)
      )
     )
    )
    (local.set $9
     (i32.add
      (local.get $9)
      (i32.mul
       (local.get $21)
       (i32.const 16)
      )
     )
    )
    (local.set $10
     (i32.sub
      (local.get $10)
      (i32.mul
       (local.get $21)
       (i32.const 48)
      )
     )
    )
    (local.set $33
     (local.get $9)
    )
    (local.set $34
     (local.get $2)
    )
    (local.set $35
     (i32.sub
      (local.get $33)
      (local.get $34)
     )
    )
    (i32.store offset=4329480
     (i32.const 0)
     (i32.add
      (i32.load offset=4329480
       (i32.const 0)
      )
      (i32.shl
       (local.get $21)
       (i32.const 4)
      )
     )
    )
    (if
     (i32.eqz
      (local.get $35)
     )
     (then
      (local.set $10
       (i32.add
        (local.get $10)
        (i32.const 3)
       )
      )
      (local.set $36
       (i32.const 4101)
      )
      (i32.store offset=24
       (i32.const 0)
       (local.get $8)
      )
      (i32.store offset=28
       (i32.const 0)
       (local.get $9)
      )
      (i32.store offset=40
       (i32.const 0)
       (i32.const 3)
      )
      (i32.store offset=44
       (i32.const 0)
       (local.get $33)
      )
      (i32.store offset=48
       (i32.const 0)
       (local.get $34)
      )
      (i32.store offset=52
       (i32.const 0)
       (local.get $35)
      )
      (i32.store offset=56
       (i32.const 0)
       (i32.const 32)
      )
      (if
       (local.get $11)
       (then
        (i32.store offset=32
         (i32.const 0)
         (local.get $36)
        )
        (return
         (i32.add
          (i32.sub
           (local.get $0)
           (local.get $10)
          )
          (i32.const 3)
         )
        )
       )
      )
      (return_call $chain260171
       (local.get $0)
       (i32.add
        (i32.sub
         (local.get $0)
         (local.get $10)
        )
        (i32.const 3)
       )
       (local.get $36)
      )
     )
    )
    (local.set $13
     (i32.const 8195)
    )
    (local.set $14
     (local.get $33)
    )
    (local.set $15
     (local.get $34)
    )
    (local.set $16
     (local.get $35)
    )
   )
  )
  (loop $label2
   (local.set $37
    (local.get $8)
   )
   (if
    (i32.lt_u
     (local.get $37)
     (i32.const 4194304)
    )
    (then
     (local.set $38
      (i32.load8_u offset=8388608
       (local.get $37)
      )
     )
    )
    (else
     (i32.store offset=24
      (i32.const 0)
      (local.get $8)
     )
     (i32.store offset=28
      (i32.const 0)
      (local.get $9)
     )
     (if
      (i32.ne
       (local.get $13)
       (i32.const -2)
      )
      (then
       (local.set $39
        (i32.and
         (local.get $13)
         (i32.const 255)
        )
       )
       (i32.store offset=40
        (i32.const 0)
        (local.get $39)
       )
       (i32.store offset=44
        (i32.const 0)
        (local.get $14)
       )
       (i32.store offset=48
        (i32.const 0)
        (local.get $15)
       )
       (i32.store offset=52
        (i32.const 0)
        (local.get $16)
       )
       (i32.store offset=56
        (i32.const 0)
        (i32.shr_u
         (local.get $13)
         (i32.const 8)
        )
       )
       (if
        (i32.lt_u
         (i32.sub
          (local.get $39)
          (i32.const 6)
         )
         (i32.const 2)
        )
        (then
         (i32.store offset=36
          (i32.const 0)
          (i32.or
           (i32.and
            (i32.load offset=36
             (i32.const 0)
            )
            (i32.const -2)
           )
           (local.get $17)
          )
         )
        )
       )
      )
     )
     (i32.store offset=32
      (i32.const 0)
      (i32.const 4096)
     )
     (i32.store offset=4329472
      (i32.const 0)
      (i32.const 1)
     )
     (return
      (i32.add
       (i32.sub
        (local.get $0)
        (local.get $10)
       )
       (i32.const 0)
      )
     )
    )
   )
   (local.set $40
    (local.get $9)
   )
   (local.set $41
    (i32.load offset=4096
     (i32.shl
      (i32.shr_u
       (local.get $40)
       (i32.const 12)
      )
      (i32.const 2)
     )
    )
   )
   (if
    (i32.eq
     (i32.and
      (local.get $41)
      (i32.const 27)
     )
     (i32.const 3)
    )
    (then
     (i32.store8 offset=8388608
      (local.get $40)
      (local.get $38)
     )
    )
    (else
     (i32.store offset=24
      (i32.const 0)
      (local.get $8)
     )
     (i32.store offset=28
      (i32.const 0)
      (local.get $9)
     )
     (if
      (i32.ne
       (local.get $13)
       (i32.const -2)
      )
      (then
       (local.set $42
        (i32.and
         (local.get $13)
         (i32.const 255)
        )
       )
       (i32.store offset=40
        (i32.const 0)
        (local.get $42)
       )
       (i32.store offset=44
        (i32.const 0)
        (local.get $14)
       )
       (i32.store offset=48
        (i32.const 0)
        (local.get $15)
       )
       (i32.store offset=52
        (i32.const 0)
        (local.get $16)
       )
       (i32.store offset=56
        (i32.const 0)
        (i32.shr_u
         (local.get $13)
         (i32.const 8)
        )
       )
       (if
        (i32.lt_u
         (i32.sub
          (local.get $42)
          (i32.const 6)
         )
         (i32.const 2)
        )
        (then
         (i32.store offset=36
          (i32.const 0)
          (i32.or
           (i32.and
            (i32.load offset=36
             (i32.const 0)
            )
            (i32.const -2)
           )
           (local.get $17)
          )
         )
        )
       )
      )
     )
     (i32.store offset=32
      (i32.const 0)
      (i32.const 4096)
     )
     (i32.store offset=4329472
      (i32.const 0)
      (i32.const 1)
     )
     (return
      (i32.add
       (i32.sub
        (local.get $0)
        (local.get $10)
       )
       (i32.const 0)
      )
     )
    )
   )
   (local.set $43
    (local.get $12)
   )
   (local.set $8
    (i32.add
     (local.get $8)
     (local.get $43)
    )
   )
   (local.set $9
    (i32.add
     (local.get $9)
     (local.get $43)
    )
   )
   (local.set $44
    (local.get $9)
   )
   (local.set $45
    (local.get $2)
   )
   (local.set $46
    (i32.sub
     (local.get $44)
     (local.get $45)
    )
   )
   (local.set $47
    (i32.eqz
     (i32.eqz
      (local.get $46)
     )
    )
   )
   (if
    (local.get $47)
    (then
     (if
      (i32.or
       (i32.lt_u
        (local.get $10)
        (i32.const 6)
       )
       (local.get $11)
      )
      (then
       (i32.store offset=24
        (i32.const 0)
        (local.get $8)
       )
       (i32.store offset=28
        (i32.const 0)
        (local.get $9)
       )
       (i32.store offset=40
        (i32.const 0)
        (i32.const 3)
       )
       (i32.store offset=44
        (i32.const 0)
        (local.get $44)
       )
       (i32.store offset=48
        (i32.const 0)
        (local.get $45)
       )
       (i32.store offset=52
        (i32.const 0)
        (local.get $46)
       )
       (i32.store offset=56
        (i32.const 0)
        (i32.const 32)
       )
       (i32.store offset=32
        (i32.const 0)
        (i32.const 4096)
       )
       (return
        (i32.add
         (i32.sub
          (local.get $0)
          (local.get $10)
         )
         (i32.const 3)
        )
       )
      )
     )
     (local.set $13
      (i32.const 8195)
     )
     (local.set $14
      (local.get $44)
     )
     (local.set $15
      (local.get $45)
     )
     (local.set $16
      (local.get $46)
     )
     (local.set $10
      (i32.sub
       (local.get $10)
       (i32.const 3)
      )
     )
     (br $label2)
    )
   )
   (local.set $48
    (i32.const 4101)
   )
   (i32.store offset=24
    (i32.const 0)
    (local.get $8)
   )
   (i32.store offset=28
    (i32.const 0)
    (local.get $9)
   )
   (i32.store offset=40
    (i32.const 0)
    (i32.const 3)
   )
   (i32.store offset=44
    (i32.const 0)
    (local.get $44)
   )
   (i32.store offset=48
    (i32.const 0)
    (local.get $45)
   )
   (i32.store offset=52
    (i32.const 0)
    (local.get $46)
   )
   (i32.store offset=56
    (i32.const 0)
    (i32.const 32)
   )
   (if
    (local.get $11)
    (then
     (i32.store offset=32
      (i32.const 0)
      (local.get $48)
     )
     (return
      (i32.add
       (i32.sub
        (local.get $0)
        (local.get $10)
       )
       (i32.const 3)
      )
     )
    )
   )
   (return_call $chain260171
    (local.get $0)
    (i32.add
     (i32.sub
      (local.get $0)
      (local.get $10)
     )
     (i32.const 3)
    )
    (local.get $48)
   )
  )
  (unreachable)
 )
)
