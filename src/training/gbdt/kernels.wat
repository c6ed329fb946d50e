;; The GBDT trainer's hottest loops, in WebAssembly: counting histograms and partitioning a node's
;; row ids. Written by hand because V8 compiles these loops from JavaScript to about 4–6 ns per
;; (row, feature) update (bounds checks and float boxing around three read-modify-writes), against
;; about 1.5 ns here; nothing on npm does this work on memory we own.
;;
;; `npm run build:wasm` turns this file into kernels-wasm.ts (the module's bytes, base64); a test
;; checks the two agree. Every argument is a byte address in the shared memory or a count.
;;
;; Layout (see tree-kernels.ts): bins are feature-major u8 (`bins[f · rows + row]`); gradients and
;; hessians f64 by row id; ids u32; a histogram holds (gradient sum, hessian sum, count) as three
;; f64 per bin, feature f's bins starting at bin `offsets[f]` (i32).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; The histogram of rows from … to − 1 by id (the root: no id list).
  (func (export "histogramOfRange")
    (param $bins i32) (param $rows i32) (param $width i32) (param $offsets i32) (param $from i32) (param $to i32)
    (param $gradients i32) (param $hessians i32) (param $histogram i32) (param $histogramBytes i32)
    (local $f i32) (local $row i32) (local $column i32) (local $base i32) (local $slot i32) (local $g i32) (local $h i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $gv f64) (local $hv f64)
    (memory.fill (local.get $histogram) (i32.const 0) (local.get $histogramBytes))
    ;; Four features per pass: each row's gradient and hessian are read once for all four.
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_u (i32.add (local.get $f) (i32.const 4)) (local.get $width)))
        (local.set $c0 (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $rows))))
        (local.set $b0 (i32.add (local.get $histogram) (i32.mul (i32.load offset=0 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $c1 (i32.add (local.get $c0) (local.get $rows)))
        (local.set $b1 (i32.add (local.get $histogram) (i32.mul (i32.load offset=4 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $c2 (i32.add (local.get $c1) (local.get $rows)))
        (local.set $b2 (i32.add (local.get $histogram) (i32.mul (i32.load offset=8 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $c3 (i32.add (local.get $c2) (local.get $rows)))
        (local.set $b3 (i32.add (local.get $histogram) (i32.mul (i32.load offset=12 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $row (local.get $from))
        (local.set $g (i32.add (local.get $gradients) (i32.shl (local.get $from) (i32.const 3))))
        (local.set $h (i32.add (local.get $hessians) (i32.shl (local.get $from) (i32.const 3))))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_u (local.get $row) (local.get $to)))
            (local.set $gv (f64.load (local.get $g)))
            (local.set $hv (f64.load (local.get $h)))
            (local.set $slot (i32.add (local.get $b0) (i32.mul (i32.load8_u (i32.add (local.get $c0) (local.get $row))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $gv)))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (local.get $hv)))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $slot (i32.add (local.get $b1) (i32.mul (i32.load8_u (i32.add (local.get $c1) (local.get $row))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $gv)))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (local.get $hv)))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $slot (i32.add (local.get $b2) (i32.mul (i32.load8_u (i32.add (local.get $c2) (local.get $row))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $gv)))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (local.get $hv)))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $slot (i32.add (local.get $b3) (i32.mul (i32.load8_u (i32.add (local.get $c3) (local.get $row))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $gv)))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (local.get $hv)))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $g (i32.add (local.get $g) (i32.const 8)))
            (local.set $h (i32.add (local.get $h) (i32.const 8)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $rows)))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $quads)))
    ;; The remaining features, one per pass.
    (block $features_done
      (loop $features
        (br_if $features_done (i32.ge_u (local.get $f) (local.get $width)))
        (local.set $column (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $rows))))
        (local.set $base
          (i32.add (local.get $histogram)
            (i32.mul (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $row (local.get $from))
        (local.set $g (i32.add (local.get $gradients) (i32.shl (local.get $from) (i32.const 3))))
        (local.set $h (i32.add (local.get $hessians) (i32.shl (local.get $from) (i32.const 3))))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_u (local.get $row) (local.get $to)))
            (local.set $slot
              (i32.add (local.get $base) (i32.mul (i32.load8_u (i32.add (local.get $column) (local.get $row))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (f64.load (local.get $g))))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (f64.load (local.get $h))))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $g (i32.add (local.get $g) (i32.const 8)))
            (local.set $h (i32.add (local.get $h) (i32.const 8)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $rows)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $features))))

  ;; The histogram of the rows listed in ids[from … to − 1]: their gradients and hessians are
  ;; gathered into ordered arrays first, so each feature's pass reads them front to back.
  (func (export "histogramOfRows")
    (param $bins i32) (param $rows i32) (param $width i32) (param $offsets i32) (param $ids i32) (param $from i32) (param $to i32)
    (param $gradients i32) (param $hessians i32) (param $orderedGradients i32) (param $orderedHessians i32)
    (param $histogram i32) (param $histogramBytes i32)
    (local $f i32) (local $i i32) (local $count i32) (local $id i32) (local $at i32) (local $column i32) (local $base i32)
    (local $slot i32) (local $end i32) (local $og i32) (local $oh i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $gv f64) (local $hv f64)
    (memory.fill (local.get $histogram) (i32.const 0) (local.get $histogramBytes))
    (local.set $count (i32.sub (local.get $to) (local.get $from)))
    (local.set $at (i32.add (local.get $ids) (i32.shl (local.get $from) (i32.const 2))))
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $count) (i32.const 2))))
    ;; Gather.
    (local.set $og (local.get $orderedGradients))
    (local.set $oh (local.get $orderedHessians))
    (block $gather_done
      (loop $gather
        (br_if $gather_done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $id (i32.shl (i32.load (local.get $at)) (i32.const 3)))
        (f64.store (local.get $og) (f64.load (i32.add (local.get $gradients) (local.get $id))))
        (f64.store (local.get $oh) (f64.load (i32.add (local.get $hessians) (local.get $id))))
        (local.set $og (i32.add (local.get $og) (i32.const 8)))
        (local.set $oh (i32.add (local.get $oh) (i32.const 8)))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $gather)))
    ;; Four features per pass: each id, gradient and hessian is read once for all four.
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_u (i32.add (local.get $f) (i32.const 4)) (local.get $width)))
        (local.set $c0 (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $rows))))
        (local.set $b0 (i32.add (local.get $histogram) (i32.mul (i32.load offset=0 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $c1 (i32.add (local.get $c0) (local.get $rows)))
        (local.set $b1 (i32.add (local.get $histogram) (i32.mul (i32.load offset=4 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $c2 (i32.add (local.get $c1) (local.get $rows)))
        (local.set $b2 (i32.add (local.get $histogram) (i32.mul (i32.load offset=8 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $c3 (i32.add (local.get $c2) (local.get $rows)))
        (local.set $b3 (i32.add (local.get $histogram) (i32.mul (i32.load offset=12 (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $at (i32.add (local.get $ids) (i32.shl (local.get $from) (i32.const 2))))
        (local.set $og (local.get $orderedGradients))
        (local.set $oh (local.get $orderedHessians))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_u (local.get $at) (local.get $end)))
            (local.set $id (i32.load (local.get $at)))
            (local.set $gv (f64.load (local.get $og)))
            (local.set $hv (f64.load (local.get $oh)))
            (local.set $slot (i32.add (local.get $b0) (i32.mul (i32.load8_u (i32.add (local.get $c0) (local.get $id))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $gv)))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (local.get $hv)))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $slot (i32.add (local.get $b1) (i32.mul (i32.load8_u (i32.add (local.get $c1) (local.get $id))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $gv)))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (local.get $hv)))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $slot (i32.add (local.get $b2) (i32.mul (i32.load8_u (i32.add (local.get $c2) (local.get $id))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $gv)))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (local.get $hv)))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $slot (i32.add (local.get $b3) (i32.mul (i32.load8_u (i32.add (local.get $c3) (local.get $id))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $gv)))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (local.get $hv)))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $og (i32.add (local.get $og) (i32.const 8)))
            (local.set $oh (i32.add (local.get $oh) (i32.const 8)))
            (local.set $at (i32.add (local.get $at) (i32.const 4)))
            (br $rows)))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $quads)))
    ;; The remaining features, one per pass.
    (block $features_done
      (loop $features
        (br_if $features_done (i32.ge_u (local.get $f) (local.get $width)))
        (local.set $column (i32.add (local.get $bins) (i32.mul (local.get $f) (local.get $rows))))
        (local.set $base
          (i32.add (local.get $histogram)
            (i32.mul (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 24))))
        (local.set $at (i32.add (local.get $ids) (i32.shl (local.get $from) (i32.const 2))))
        (local.set $og (local.get $orderedGradients))
        (local.set $oh (local.get $orderedHessians))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_u (local.get $at) (local.get $end)))
            (local.set $slot
              (i32.add (local.get $base)
                (i32.mul (i32.load8_u (i32.add (local.get $column) (i32.load (local.get $at)))) (i32.const 24))))
            (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (f64.load (local.get $og))))
            (f64.store offset=8 (local.get $slot) (f64.add (f64.load offset=8 (local.get $slot)) (f64.load (local.get $oh))))
            (f64.store offset=16 (local.get $slot) (f64.add (f64.load offset=16 (local.get $slot)) (f64.const 1)))
            (local.set $og (i32.add (local.get $og) (i32.const 8)))
            (local.set $oh (i32.add (local.get $oh) (i32.const 8)))
            (local.set $at (i32.add (local.get $at) (i32.const 4)))
            (br $rows)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $features))))

  ;; Stable partition of ids[from … to − 1] on "bin of feature ≤ bin": left ids go to
  ;; leftOut[from …], right ones to rightOut[from …]. Returns the number of left ids.
  (func (export "partitionRows")
    (param $bins i32) (param $rows i32) (param $ids i32) (param $from i32) (param $to i32) (param $feature i32) (param $bin i32)
    (param $leftOut i32) (param $rightOut i32) (result i32)
    (local $column i32) (local $at i32) (local $end i32) (local $id i32) (local $left i32) (local $right i32) (local $start i32) (local $goesLeft i32)
    (local.set $column (i32.add (local.get $bins) (i32.mul (local.get $feature) (local.get $rows))))
    (local.set $at (i32.add (local.get $ids) (i32.shl (local.get $from) (i32.const 2))))
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $to) (i32.const 2))))
    (local.set $start (i32.add (local.get $leftOut) (i32.shl (local.get $from) (i32.const 2))))
    (local.set $left (local.get $start))
    (local.set $right (i32.add (local.get $rightOut) (i32.shl (local.get $from) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        ;; Branch-free: a good split sends half the rows each way, which a branch would mispredict.
        (local.set $id (i32.load (local.get $at)))
        (local.set $goesLeft (i32.le_u (i32.load8_u (i32.add (local.get $column) (local.get $id))) (local.get $bin)))
        (i32.store (local.get $left) (local.get $id))
        (i32.store (local.get $right) (local.get $id))
        (local.set $left (i32.add (local.get $left) (i32.shl (local.get $goesLeft) (i32.const 2))))
        (local.set $right (i32.add (local.get $right) (i32.shl (i32.xor (local.get $goesLeft) (i32.const 1)) (i32.const 2))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $each)))
    (i32.shr_u (i32.sub (local.get $left) (local.get $start)) (i32.const 2)))

  ;; Adds one tree's leaf values to the scores of the rows at positions lo … hi − 1 of ids. A leaf
  ;; segment (32 bytes: f64 left value, f64 right value, i32 from, i32 to, i32 feature, i32 bin)
  ;; covers ids[from … to − 1]; with a feature ≥ 0 it is a split whose children are both leaves,
  ;; and each row takes the left value when its bin of that feature is ≤ bin. $scores is the
  ;; address of row 0's score of the tree's output, $stride the bytes from one row's to the next's.
  (func (export "applyLeaves")
    (param $bins i32) (param $rows i32) (param $ids i32) (param $scores i32) (param $stride i32)
    (param $segments i32) (param $count i32) (param $lo i32) (param $hi i32)
    (local $entry i32) (local $last i32) (local $from i32) (local $to i32) (local $feature i32) (local $bin i32)
    (local $at i32) (local $end i32) (local $id i32) (local $column i32) (local $slot i32)
    (local $left f64) (local $right f64)
    (local.set $entry (local.get $segments))
    (local.set $last (i32.add (local.get $segments) (i32.shl (local.get $count) (i32.const 5))))
    (block $segments_done
      (loop $each_segment
        (br_if $segments_done (i32.ge_u (local.get $entry) (local.get $last)))
        (local.set $from (i32.load offset=16 (local.get $entry)))
        (local.set $to (i32.load offset=20 (local.get $entry)))
        (if (i32.lt_u (local.get $from) (local.get $lo)) (then (local.set $from (local.get $lo))))
        (if (i32.gt_u (local.get $to) (local.get $hi)) (then (local.set $to (local.get $hi))))
        (local.set $left (f64.load (local.get $entry)))
        (local.set $right (f64.load offset=8 (local.get $entry)))
        (local.set $feature (i32.load offset=24 (local.get $entry)))
        (local.set $bin (i32.load offset=28 (local.get $entry)))
        (local.set $at (i32.add (local.get $ids) (i32.shl (local.get $from) (i32.const 2))))
        (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $to) (i32.const 2))))
        (if (i32.lt_s (local.get $feature) (i32.const 0))
          (then
            (block $leaf_done
              (loop $leaf_rows
                (br_if $leaf_done (i32.ge_u (local.get $at) (local.get $end)))
                (local.set $slot (i32.add (local.get $scores) (i32.mul (i32.load (local.get $at)) (local.get $stride))))
                (f64.store (local.get $slot) (f64.add (f64.load (local.get $slot)) (local.get $left)))
                (local.set $at (i32.add (local.get $at) (i32.const 4)))
                (br $leaf_rows))))
          (else
            (local.set $column (i32.add (local.get $bins) (i32.mul (local.get $feature) (local.get $rows))))
            (block $split_done
              (loop $split_rows
                (br_if $split_done (i32.ge_u (local.get $at) (local.get $end)))
                (local.set $id (i32.load (local.get $at)))
                (local.set $slot (i32.add (local.get $scores) (i32.mul (local.get $id) (local.get $stride))))
                (f64.store (local.get $slot)
                  (f64.add (f64.load (local.get $slot))
                    (select (local.get $left) (local.get $right)
                      (i32.le_u (i32.load8_u (i32.add (local.get $column) (local.get $id))) (local.get $bin)))))
                (local.set $at (i32.add (local.get $at) (i32.const 4)))
                (br $split_rows)))))
        (local.set $entry (i32.add (local.get $entry) (i32.const 32)))
        (br $each_segment))))

  ;; Bins of a chunk of rows: $features holds $count rows × $width f64 values, row-major, which are
  ;; the rows $firstRow … of the training set; bins[f · rows + row] receives the number of feature
  ;; f's edges below the value (binning.ts documents the lookup). Per feature f: $firsts[f] and
  ;; $scales[f] (f64) map a value to one of $cells cells; $lows and $highs (u16, $cells per
  ;; feature) bound the edges below any value of a cell; $edges (f64) holds every feature's edges
  ;; from $edgeStarts[f] (i32, an index), each feature's followed by +infinity; $spans[f] (i32) is
  ;; the largest high − low of its cells. A span of at most 8 is walked without branches, counting
  ;; the edges below the value; a wider one is searched by halves.
  (func (export "binRows")
    (param $features i32) (param $count i32) (param $width i32) (param $rows i32) (param $firstRow i32) (param $bins i32)
    (param $cells i32) (param $firsts i32) (param $scales i32) (param $lows i32) (param $highs i32)
    (param $edges i32) (param $edgeStarts i32) (param $spans i32)
    (local $f i32) (local $row i32) (local $at i32) (local $out i32) (local $cell i32) (local $low i32) (local $high i32)
    (local $middle i32) (local $step i32) (local $span i32) (local $featureEdges i32) (local $table i32) (local $rowBytes i32)
    (local $first f64) (local $scale f64) (local $value f64)
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 3)))
    (block $features_done
      (loop $each_feature
        (br_if $features_done (i32.ge_u (local.get $f) (local.get $width)))
        (local.set $first (f64.load (i32.add (local.get $firsts) (i32.shl (local.get $f) (i32.const 3)))))
        (local.set $scale (f64.load (i32.add (local.get $scales) (i32.shl (local.get $f) (i32.const 3)))))
        (local.set $span (i32.load (i32.add (local.get $spans) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $featureEdges
          (i32.add (local.get $edges) (i32.shl (i32.load (i32.add (local.get $edgeStarts) (i32.shl (local.get $f) (i32.const 2)))) (i32.const 3))))
        (local.set $table (i32.shl (i32.mul (local.get $f) (local.get $cells)) (i32.const 1)))
        (local.set $at (i32.add (local.get $features) (i32.shl (local.get $f) (i32.const 3))))
        (local.set $out (i32.add (local.get $bins) (i32.add (i32.mul (local.get $f) (local.get $rows)) (local.get $firstRow))))
        (local.set $row (i32.const 0))
        (block $rows_done
          (loop $each_row
            (br_if $rows_done (i32.ge_u (local.get $row) (local.get $count)))
            (local.set $value (f64.load (local.get $at)))
            ;; The cell: truncation saturates, NaN gives 0; clamped to the grid.
            (local.set $cell (i32.trunc_sat_f64_s (f64.mul (f64.sub (local.get $value) (local.get $first)) (local.get $scale))))
            (local.set $cell (select (local.get $cell) (i32.const 0) (i32.gt_s (local.get $cell) (i32.const 0))))
            (local.set $cell
              (select (local.get $cell) (i32.sub (local.get $cells) (i32.const 1)) (i32.lt_s (local.get $cell) (local.get $cells))))
            (local.set $cell (i32.add (local.get $table) (i32.shl (local.get $cell) (i32.const 1))))
            (local.set $low (i32.load16_u (i32.add (local.get $lows) (local.get $cell))))
            (if (i32.le_u (local.get $span) (i32.const 8))
              (then
                (local.set $step (i32.const 0))
                (block $walk_done
                  (loop $walk
                    (br_if $walk_done (i32.ge_u (local.get $step) (local.get $span)))
                    (local.set $low
                      (i32.add (local.get $low)
                        (f64.lt (f64.load (i32.add (local.get $featureEdges) (i32.shl (local.get $low) (i32.const 3)))) (local.get $value))))
                    (local.set $step (i32.add (local.get $step) (i32.const 1)))
                    (br $walk))))
              (else
                (local.set $high (i32.load16_u (i32.add (local.get $highs) (local.get $cell))))
                (block $search_done
                  (loop $search
                    (br_if $search_done (i32.ge_u (local.get $low) (local.get $high)))
                    (local.set $middle (i32.shr_u (i32.add (local.get $low) (local.get $high)) (i32.const 1)))
                    (if (f64.lt (f64.load (i32.add (local.get $featureEdges) (i32.shl (local.get $middle) (i32.const 3)))) (local.get $value))
                      (then (local.set $low (i32.add (local.get $middle) (i32.const 1))))
                      (else (local.set $high (local.get $middle))))
                    (br $search)))))
            (i32.store8 (local.get $out) (local.get $low))
            (local.set $out (i32.add (local.get $out) (i32.const 1)))
            (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $each_row)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $each_feature)))))
