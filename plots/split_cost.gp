# Figure: split-precision GEMMs, error against cost: bf16 pieces emulating
# fp32, and Ozaki int8 slices emulating fp64.
# needs: strassen_split/split.csv strassen_split/ozaki.csv
fig = "split_cost"
fig_w = 1700
fig_h = 750
load "plots/lib/figure.gp"
split = resdir."/strassen_split/split.csv"
oz = resdir."/strassen_split/ozaki.csv"
stats split using "n" nooutput
NS = STATS_max
stats oz using "n" nooutput
NO = STATS_max
set logscale y 10
set format y "10^{%L}"
set multiplot layout 1,2 margins 0.07,0.98,0.13,0.82 spacing 0.08 \
    title "Split precision: error against cost\n{/*0.8 normwise error ||C - AB||_F / || |A||B| ||_F against the exact product; median over trials}" font ",15"

set title sprintf("bf16 pieces emulating fp32 (N = %d, standard normal data)", NS)
set xlabel "bf16 GEMMs per product"
set ylabel "normwise error"
set xrange [0:10]
set xtics 1
unset key
stats split using "normwise_median" nooutput
set yrange [STATS_min / 8 : STATS_max * 8]
stats split using (strcol("alg") eq "classical" && strcol("scheme") eq "fp32" ? column("normwise_median") : NaN) nooutput
e_fp32 = STATS_max
stats split using (strcol("alg") eq "classical" && strcol("scheme") eq "tf32" ? column("normwise_median") : NaN) nooutput
e_tf32 = STATS_max
set label 1 "fp32 GEMM" at 9.8, e_fp32 * 1.6 right font ",11"
set label 2 "tf32 GEMM" at 9.8, e_tf32 * 1.6 right font ",11"
plot split using "products":(strcol("scheme") eq "bf16" ? column("normwise_median") : NaN):(strcol("alg") eq "classical" ? "bf16" : strcol("alg")) \
         with labels offset char 0, char 1.1 font ",12" notitle, \
     split using "products":(strcol("scheme") eq "bf16" ? column("normwise_median") : NaN) with points lt 1 pt 7 ps 1.6 notitle, \
     e_fp32 with lines lt 11 dt 2 lw 1.5 notitle, \
     e_tf32 with lines lt 10 dt 2 lw 1.5 notitle
unset label 1
unset label 2

set title sprintf("Ozaki int8 slices emulating fp64 (N = %d)", NO)
set xlabel "int8 slice products (integer GEMMs)"
set autoscale x
set xrange [0:*]
set yrange [*:*]
set xtics autofreq
V = "triangular full karatsuba fp64-sum"
VT = "'triangular (s+t <= S+1)' 'all S^2 products' 'Karatsuba, 6-bit digits' 'triangular, binary64 sum'"
stats oz using (strcol("variant") eq "fp64-classical" && strcol("dist") eq "normal" ? column("normwise_median") : NaN) nooutput
e64n = STATS_max
stats oz using (strcol("variant") eq "fp64-classical" && strcol("dist") eq "lognormal" ? column("normwise_median") : NaN) nooutput
e64l = STATS_max
# triangular drawn wide: the binary64 sum often gives the same numbers.
set key top right font ",11" spacing 1.05
plot for [v=1:4] oz using "products":(strcol("variant") eq word(V, v) && strcol("dist") eq "normal" ? column("normwise_median") : NaN) \
         with linespoints lt v lw (v == 1 ? 5 : 2) title word(VT, v).", normal", \
     for [v=1:4] oz using "products":(strcol("variant") eq word(V, v) && strcol("dist") eq "lognormal" ? column("normwise_median") : NaN) \
         with linespoints lt v dt 2 lw 1.5 pt 6 title word(VT, v).", lognormal", \
     e64n with lines lt 11 dt 2 lw 1.5 title "fp64 triple loop, normal", \
     e64l with lines lt 11 dt 3 lw 1.5 title "fp64 triple loop, lognormal"
unset multiplot
