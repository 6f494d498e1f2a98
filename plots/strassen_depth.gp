# Figure: error of Strassen and Strassen-Winograd against recursion depth,
# over fp32 and bf16 leaves, with Higham's bound.
# needs: strassen_split/strassen.csv
fig = "strassen_depth"
fig_w = 1600
fig_h = 700
load "plots/lib/figure.gp"
data = resdir."/strassen_split/strassen.csv"
stats data using "n" nooutput
N = STATS_max
L = "fp32 bf16"
LTT = "'fp32 leaves (u = 2^{-24})' 'bf16 leaves (inputs rounded to bf16, u = 2^{-8})'"
set logscale y 10
set format y "10^{%L}"
set xlabel "recursion depth d (leaf size N_0 = N / 2^d)"
stats data using "depth" nooutput
set xrange [-0.3 : STATS_max + 0.3]
set xtics 1
set multiplot layout 1,2 margins 0.07,0.98,0.13,0.82 spacing 0.08 \
    title sprintf("Fast matrix multiplication, N = %d, uniform (-1,1) data: error max|C - AB| / (max|A| max|B|) (points, max over trials)\n{/*0.8 dashed: Higham's bound f(N, N_0) u (Theorems 23.2, 23.3; depth 0: the classical N^2 u)}", N) font ",15"
do for [l=1:2] {
    # Room above the bound lines for the key.
    set yrange [*:*]
    stats data using (strcol("leaf") eq word(L, l) ? column("bound") : NaN) nooutput
    b_max = STATS_max
    stats data using (strcol("leaf") eq word(L, l) ? column("normwise_err") : NaN) nooutput
    set yrange [STATS_min / 3 : b_max * 1e5]
    set title word(LTT, l)
    if (l == 1) { set ylabel "max|C - AB| / (max|A| max|B|)" } else { unset ylabel }
    set key top left font ",12" spacing 1.1
    plot data using "depth":(strcol("alg") eq "strassen" && strcol("leaf") eq word(L, l) ? column("maxnorm_err") : NaN) with linespoints lt 1 lw 2 title "Strassen", \
         data using "depth":(strcol("alg") eq "winograd" && strcol("leaf") eq word(L, l) ? column("maxnorm_err") : NaN) with linespoints lt 2 lw 2 title "Winograd", \
         data using "depth":(strcol("alg") eq "strassen" && strcol("leaf") eq word(L, l) ? column("bound") : NaN) with lines lt 1 dt 2 title "bound, Strassen", \
         data using "depth":(strcol("alg") eq "winograd" && strcol("leaf") eq word(L, l) ? column("bound") : NaN) with lines lt 2 dt 2 title "bound, Winograd", \
         data using "depth":(strcol("alg") eq "strassen" && strcol("leaf") eq word(L, l) ? column("normwise_err") : NaN) with linespoints lt 1 dt 3 pt 6 title "Strassen, normwise over |A||B| (median)", \
         data using "depth":(strcol("alg") eq "winograd" && strcol("leaf") eq word(L, l) ? column("normwise_err") : NaN) with linespoints lt 2 dt 3 pt 6 title "Winograd, normwise over |A||B| (median)"
}
unset multiplot
