# Figure: a long dot product accumulated in bf16 or fp16, rounding to
# nearest against stochastic rounding, beside an fp32 accumulator.
# needs: sr/dot.csv
fig = "sr_dot"
fig_w = 1600
fig_h = 700
load "plots/lib/figure.gp"
data = resdir."/sr/dot.csv"
A = "bf16:rn bf16:sr bf16:sr:8 fp16:rn fp16:sr fp32"
AT = "'bf16, nearest' 'bf16, SR' 'bf16, SR 8 bits' 'fp16, nearest' 'fp16, SR' 'fp32, nearest'"
LT = "2 1 5 4 3 11"
set logscale x 2
set logscale y 10
set format x "2^{%L}"
set format y "10^{%L}"
set xlabel "K (length of the dot product)"
stats data using "k" nooutput
set xrange [STATS_min / 1.3 : STATS_max * 1.3]
stats data using "samples" nooutput
NS = STATS_min
D = "uniform01 normal"
DT = "'uniform (0,1) data: every product positive' 'standard normal data'"
set multiplot layout 1,2 margins 0.07,0.80,0.13,0.84 spacing 0.08 \
    title sprintf("Dot product with a low-precision accumulator: error |s - a{/Symbol \\327}b| / {/Symbol S}|a_i b_i|, median (solid) and maximum (dotted) of %d dot products", NS) font ",15"
do for [d=1:2] {
    set title word(DT, d)
    if (d == 1) { set ylabel "relative error (over {/Symbol S}|a_i b_i|)" } else { unset ylabel }
    if (d == 2) { set key at screen 0.81, 0.8 left top Left reverse font ",12" spacing 1.1 } else { unset key }
    plot for [i=1:words(A)] data using "k":(strcol("accumulator") eq word(A, i) && strcol("dist") eq word(D, d) ? column("err_median") : NaN) \
             with linespoints lt word(LT, i) + 0 title word(AT, i), \
         for [i=1:words(A)] data using "k":(strcol("accumulator") eq word(A, i) && strcol("dist") eq word(D, d) ? column("err_max") : NaN) \
             with lines lt word(LT, i) + 0 dt 3 lw 1 notitle, \
         sqrtku(x, 2.0**-8) with lines dt 2 lw 1.5 lc rgb "#555555" title "sqrt(K) u, bf16", \
         sqrtku(x, 2.0**-11) with lines dt 4 lw 1.5 lc rgb "#999999" title "sqrt(K) u, fp16"
}
unset multiplot
