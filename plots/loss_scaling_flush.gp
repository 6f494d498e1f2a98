# Figure: what a loss scale 2^L does to (synthetic) gradients cast to each
# format: fraction flushed to zero and fraction overflowed.
# needs: loss_scaling/flush.csv
fig = "loss_scaling_flush"
fig_w = 1500
fig_h = 800
load "plots/lib/figure.gp"
data = resdir."/loss_scaling/flush.csv"
F = "fp16 bf16 e4m3 e5m2"
stats data using "samples" nooutput
N = STATS_max
set title sprintf("Loss scaling of SYNTHETIC heavy-tailed gradients (%d samples): fraction lost when g {/Symbol \\327} 2^L is rounded to the format\n{/*0.8 solid: flushed to zero (underflow); dashed: overflow to inf/NaN; dotted: kept only as a subnormal}", N) font ",15"
set xlabel "log_2 of the loss scale (L)"
set ylabel "fraction of gradients"
set logscale y 10
set format y "10^{%L}"
set yrange [1e-5:1.5]
set xrange [0:*]
set xtics 4
set key outside right top font ",12" spacing 1.1
set label 1 "bf16: nothing flushed or subnormal at any scale shown\n(fp16 and e5m2 overflow at the same 2^{16}: their dashed curves coincide)" at graph 0.02, graph 0.06 left font ",11"
plot for [i=1:4] data using "log2_scale":(strcol("format") eq word(F, i) && column("frac_flushed") > 0 ? column("frac_flushed") : NaN) \
         with linespoints lt i lw 2.2 title word(F, i)." flushed to 0", \
     for [i=1:4] data using "log2_scale":(strcol("format") eq word(F, i) && column("frac_overflow") > 0 ? column("frac_overflow") : NaN) \
         with linespoints lt i dt 2 lw 2 pt 6 title word(F, i)." overflow", \
     for [i=1:4] data using "log2_scale":(strcol("format") eq word(F, i) && column("frac_subnormal") > 0 ? column("frac_subnormal") : NaN) \
         with lines lt i dt 3 lw 1.5 title word(F, i)." subnormal"
