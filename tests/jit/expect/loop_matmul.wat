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
  (local $49 i32)
  (local $50 i32)
  (local $51 i32)
  (local $52 i32)
  (local $53 i32)
  (local $54 i32)
  (local $55 v128)
  (local $56 v128)
  (local.set $10
   (i32.sub
    (local.get $0)
    (local.get $1)
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
  (local.set $12
   (i32.const -2)
  )
  (local.set $14
   (i32.const 64)
  )
  (local.set $18
   (i32.sub
    (i32.const 64)
    (local.get $2)
   )
  )
  (local.set $19
   (select
    (i32.div_u
     (local.get $18)
     (i32.const 1)
    )
    (i32.const 0)
    (i32.and
     (i32.eqz
      (i32.rem_u
       (local.get $18)
       (i32.const 1)
      )
     )
     (i32.ne
      (local.get $18)
      (i32.const 0)
     )
    )
   )
  )
  (local.set $20
   (i32.shr_u
    (local.get $19)
    (i32.const 2)
   )
  )
  (local.set $21
   (select
    (i32.const 0)
    (i32.div_u
     (i32.sub
      (local.get $10)
      (i32.const 6)
     )
     (i32.const 24)
    )
    (i32.lt_u
     (local.get $10)
     (i32.const 6)
    )
   )
  )
  (local.set $20
   (select
    (local.get $21)
    (local.get $20)
    (i32.lt_u
     (local.get $21)
     (local.get $20)
    )
   )
  )
  (local.set $22
   (i32.const 262144)
  )
  (local.set $20
   (select
    (local.get $22)
    (local.get $20)
    (i32.lt_u
     (local.get $22)
     (local.get $20)
    )
   )
  )
  (local.set $20
   (select
    (i32.const 0)
    (local.get $20)
    (local.get $11)
   )
  )
  (local.set $23
   (i32.shl
    (local.get $20)
    (i32.const 4)
   )
  )
  (local.set $24
   (i32.add
    (i32.add
     (i32.const 1135712)
     (local.get $8)
    )
    (i32.mul
     (local.get $2)
     (i32.const 4)
    )
   )
  )
  (local.set $25
   (i32.add
    (i32.add
     (i32.const 1119328)
     (local.get $3)
    )
    (i32.mul
     (local.get $2)
     (i32.const 4)
    )
   )
  )
  (local.set $26
   (i32.ne
    (local.get $20)
    (i32.const 0)
   )
  )
  (local.set $26
   (i32.and
    (local.get $26)
    (i32.le_u
     (local.get $24)
     (i32.sub
      (i32.const 4194304)
      (local.get $23)
     )
    )
   )
  )
  (local.set $26
   (i32.and
    (local.get $26)
    (i32.le_u
     (local.get $25)
     (i32.sub
      (i32.const 4194304)
      (local.get $23)
     )
    )
   )
  )
  (local.set $26
   (i32.and
    (local.get $26)
    (i32.ge_u
     (i32.sub
      (i32.sub
       (local.get $25)
       (local.get $24)
      )
      (i32.const 1)
     )
     (i32.const 15)
    )
   )
  )
  (local.set $27
   (i32.shr_u
    (local.get $25)
    (i32.const 12)
   )
  )
  (local.set $28
   (i32.shr_u
    (i32.sub
     (i32.add
      (local.get $25)
      (local.get $23)
     )
     (i32.const 1)
    )
    (i32.const 12)
   )
  )
  (if
   (local.get $26)
   (then
    (block $block
     (loop $label
      (if
       (i32.eqz
        (i32.eq
         (i32.and
          (i32.load offset=4096
           (i32.shl
            (local.get $27)
            (i32.const 2)
           )
          )
          (i32.const 27)
         )
         (i32.const 3)
        )
       )
       (then
        (local.set $26
         (i32.const 0)
        )
        (br $block)
       )
      )
      (local.set $27
       (i32.add
        (local.get $27)
        (i32.const 1)
       )
      )
      (br_if $label
       (i32.le_u
        (local.get $27)
        (local.get $28)
       )
      )
     )
    )
   )
  )
  (if
   (local.get $26)
   (then
    (local.set $29
     (local.get $2)
    )
    (local.set $30
     (local.get $20)
    )
    (local.set $56
     (i32x4.splat
      (local.get $9)
     )
    )
    (loop $label1
     (local.set $55
      (v128.load offset=8388608 align=4
       (local.get $24)
      )
     )
     (local.set $55
      (i32x4.mul
       (local.get $55)
       (local.get $56)
      )
     )
     (v128.store offset=8388608 align=4
      (local.get $25)
      (i32x4.add
       (v128.load offset=8388608 align=4
        (local.get $25)
       )
       (local.get $55)
      )
     )
     (local.set $24
      (i32.add
       (local.get $24)
       (i32.const 16)
      )
     )
     (local.set $25
      (i32.add
       (local.get $25)
       (i32.const 16)
      )
     )
     (local.set $29
      (i32.add
       (local.get $29)
       (i32.const 4)
      )
     )
     (local.set $30
      (i32.sub
       (local.get $30)
       (i32.const 1)
      )
     )
     (br_if $label1
      (local.get $30)
     )
    )
    (local.set $2
     (i32.add
      (local.get $2)
      (i32.mul
       (local.get $20)
       (i32.const 4)
      )
     )
    )
    (local.set $4
     (i32x4.extract_lane 3
      (local.get $55)
     )
    )
    (local.set $10
     (i32.sub
      (local.get $10)
      (i32.mul
       (local.get $20)
       (i32.const 24)
      )
     )
    )
    (local.set $31
     (local.get $2)
    )
    (local.set $32
     (i32.const 64)
    )
    (local.set $33
     (i32.sub
      (local.get $31)
      (local.get $32)
     )
    )
    (i32.store offset=4329480
     (i32.const 0)
     (i32.add
      (i32.load offset=4329480
       (i32.const 0)
      )
      (i32.shl
       (local.get $20)
       (i32.const 2)
      )
     )
    )
    (if
     (i32.eqz
      (local.get $33)
     )
     (then
      (local.set $10
       (i32.add
        (local.get $10)
        (i32.const 6)
       )
      )
      (local.set $34
       (i32.const 4119)
      )
      (i32.store
       (i32.const 0)
       (local.get $2)
      )
      (i32.store offset=8
       (i32.const 0)
       (local.get $4)
      )
      (i32.store offset=40
       (i32.const 0)
       (i32.const 3)
      )
      (i32.store offset=44
       (i32.const 0)
       (local.get $31)
      )
      (i32.store offset=48
       (i32.const 0)
       (local.get $32)
      )
      (i32.store offset=52
       (i32.const 0)
       (local.get $33)
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
         (local.get $34)
        )
        (return
         (i32.add
          (i32.sub
           (local.get $0)
           (local.get $10)
          )
          (i32.const 6)
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
        (i32.const 6)
       )
       (local.get $34)
      )
     )
    )
    (local.set $12
     (i32.const 8195)
    )
    (local.set $13
     (local.get $31)
    )
    (local.set $14
     (local.get $32)
    )
    (local.set $15
     (local.get $33)
    )
   )
  )
  (loop $label2
   (local.set $35
    (i32.add
     (i32.add
      (local.get $8)
      (i32.const 1135712)
     )
     (i32.shl
      (local.get $2)
      (i32.const 2)
     )
    )
   )
   (if
    (i32.lt_u
     (local.get $35)
     (i32.const 4194301)
    )
    (then
     (local.set $36
      (i32.load offset=8388608 align=1
       (local.get $35)
      )
     )
    )
    (else
     (i32.store
      (i32.const 0)
      (local.get $2)
     )
     (i32.store offset=8
      (i32.const 0)
      (local.get $4)
     )
     (if
      (i32.ne
       (local.get $12)
       (i32.const -2)
      )
      (then
       (local.set $37
        (i32.and
         (local.get $12)
         (i32.const 255)
        )
       )
       (i32.store offset=40
        (i32.const 0)
        (local.get $37)
       )
       (i32.store offset=44
        (i32.const 0)
        (local.get $13)
       )
       (i32.store offset=48
        (i32.const 0)
        (local.get $14)
       )
       (i32.store offset=52
        (i32.const 0)
        (local.get $15)
       )
       (i32.store offset=56
        (i32.const 0)
        (i32.shr_u
         (local.get $12)
         (i32.const 8)
        )
       )
       (if
        (i32.lt_u
         (i32.sub
          (local.get $37)
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
           (local.get $16)
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
   (local.set $4
    (local.get $36)
   )
   (local.set $38
    (local.get $9)
   )
   (local.set $39
    (local.get $4)
   )
   (local.set $40
    (i32.mul
     (local.get $39)
     (local.get $38)
    )
   )
   (local.set $4
    (local.get $40)
   )
   (local.set $41
    (i32.add
     (i32.add
      (local.get $3)
      (i32.const 1119328)
     )
     (i32.shl
      (local.get $2)
      (i32.const 2)
     )
    )
   )
   (local.set $43
    (i32.load offset=4096
     (i32.shl
      (i32.shr_u
       (local.get $41)
       (i32.const 12)
      )
      (i32.const 2)
     )
    )
   )
   (if
    (i32.eq
     (i32.or
      (i32.and
       (local.get $43)
       (i32.const 27)
      )
      (i32.and
       (i32.xor
        (i32.add
         (local.get $41)
         (i32.const 3)
        )
        (local.get $41)
       )
       (i32.const 4096)
      )
     )
     (i32.const 3)
    )
    (then
     (local.set $42
      (i32.load offset=8388608 align=1
       (local.get $41)
      )
     )
    )
    (else
     (i32.store
      (i32.const 0)
      (local.get $2)
     )
     (i32.store offset=8
      (i32.const 0)
      (local.get $4)
     )
     (i32.store offset=36
      (i32.const 0)
      (i32.or
       (i32.and
        (i32.load offset=36
         (i32.const 0)
        )
        (i32.const -2262)
       )
       (i32.or
        (i32.or
         (i32.or
          (select
           (i32.const 4)
           (i32.const 0)
           (i32.eqz
            (i32.and
             (i32.popcnt
              (i32.and
               (local.get $40)
               (i32.const 255)
              )
             )
             (i32.const 1)
            )
           )
          )
          (select
           (i32.const 64)
           (i32.const 0)
           (i32.eqz
            (local.get $40)
           )
          )
         )
         (select
          (i32.const 128)
          (i32.const 0)
          (i32.lt_s
           (local.get $40)
           (i32.const 0)
          )
         )
        )
        (select
         (i32.const 2049)
         (i32.const 0)
         (i64.ne
          (i64.mul
           (i64.extend_i32_s
            (local.get $39)
           )
           (i64.extend_i32_s
            (local.get $38)
           )
          )
          (i64.extend_i32_s
           (local.get $40)
          )
         )
        )
       )
      )
     )
     (i32.store offset=40
      (i32.const 0)
      (i32.const 0)
     )
     (i32.store offset=32
      (i32.const 0)
      (i32.const 4106)
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
       (i32.const 2)
      )
     )
    )
   )
   (local.set $44
    (local.get $4)
   )
   (local.set $45
    (i32.add
     (local.get $42)
     (local.get $44)
    )
   )
   (i32.store offset=8388608 align=1
    (local.get $41)
    (local.get $45)
   )
   (local.set $46
    (i32.const 0)
   )
   (local.set $47
    (local.get $2)
   )
   (local.set $48
    (i32.const 1)
   )
   (local.set $49
    (i32.add
     (local.get $47)
     (i32.const 1)
    )
   )
   (local.set $2
    (local.get $49)
   )
   (local.set $50
    (local.get $2)
   )
   (local.set $51
    (i32.const 64)
   )
   (local.set $52
    (i32.sub
     (local.get $50)
     (local.get $51)
    )
   )
   (local.set $53
    (i32.eqz
     (i32.eqz
      (local.get $52)
     )
    )
   )
   (if
    (local.get $53)
    (then
     (if
      (i32.or
       (i32.lt_u
        (local.get $10)
        (i32.const 12)
       )
       (local.get $11)
      )
      (then
       (i32.store
        (i32.const 0)
        (local.get $2)
       )
       (i32.store offset=8
        (i32.const 0)
        (local.get $4)
       )
       (i32.store offset=40
        (i32.const 0)
        (i32.const 3)
       )
       (i32.store offset=44
        (i32.const 0)
        (local.get $50)
       )
       (i32.store offset=48
        (i32.const 0)
        (local.get $51)
       )
       (i32.store offset=52
        (i32.const 0)
        (local.get $52)
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
         (i32.const 6)
        )
       )
      )
     )
     (local.set $12
      (i32.const 8195)
     )
     (local.set $13
      (local.get $50)
     )
     (local.set $14
      (local.get $51)
     )
     (local.set $15
      (local.get $52)
     )
     (local.set $10
      (i32.sub
       (local.get $10)
       (i32.const 6)
      )
     )
     (br $label2)
    )
   )
   (local.set $54
    (i32.const 4119)
   )
   (i32.store
    (i32.const 0)
    (local.get $2)
   )
   (i32.store offset=8
    (i32.const 0)
    (local.get $4)
   )
   (i32.store offset=40
    (i32.const 0)
    (i32.const 3)
   )
   (i32.store offset=44
    (i32.const 0)
    (local.get $50)
   )
   (i32.store offset=48
    (i32.const 0)
    (local.get $51)
   )
   (i32.store offset=52
    (i32.const 0)
    (local.get $52)
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
      (local.get $54)
     )
     (return
      (i32.add
       (i32.sub
        (local.get $0)
        (local.get $10)
       )
       (i32.const 6)
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
     (i32.const 6)
    )
    (local.get $54)
   )
  )
  (unreachable)
 )
)
