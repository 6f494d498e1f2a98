# Figure: the harmonic series summed in fp16, bf16 and fp32: round to
# nearest stagnates, stochastic rounding keeps growing with error ~ sqrt(n) u.
# needs: sr/harmonic_error.csv sr/stagnation.csv
fig = "sr_harmonic"
fig_w = 1900
fig_h = 820
load "plots/lib/figure.gp"
data = resdir."/sr/harmonic_error.csv"
stag = resdir."/sr/stagnation.csv"
F = "fp16 bf16 fp32"
M = "rne sr:4 sr:8 sr:12"
MT = "'round to nearest' 'SR, 4 random bits' 'SR, 8 random bits' 'SR, 12 random bits'"
# Stagnation points and the n range of each format, read before the axes
# become logarithmic (stats honours the axis settings).
array n_stag[3]
array v_stag[3]
array n_lo[3]
array n_hi[3]
do for [fi=1:3] {
    f = word(F, fi)
    stats stag using (strcol("format") eq f && strcol("rounding") eq "rne" ? column("first_absorbed_term") : NaN) nooutput
    n_stag[fi] = STATS_max
    stats stag using (strcol("format") eq f && strcol("rounding") eq "rne" ? column("stagnation_value") : NaN) nooutput
    v_stag[fi] = STATS_max
    stats data using (strcol("format") eq f ? column("n") : NaN) nooutput
    n_lo[fi] = STATS_min
    n_hi[fi] = STATS_max
}
set logscale x 2
set logscale y 10
set format x "2^{%L}"
set format y "10^{%L}"
set xlabel "n (terms 1/k, each rounded to the format)"
set yrange [1e-9:10]

set multiplot title "Harmonic series s_n = {/Symbol S}_{k<=n} 1/k summed in low precision: relative error |s_n - S_n| / S_n against the exact sum S_n\n{/*0.8 stochastic rounding (SR): median over trials (solid), maximum (dotted); vertical line: round to nearest stops changing}" font ",15"
unset key
do for [fi=1:3] {
    f = word(F, fi)
    set origin 0.01 + (fi - 1) * 0.33, 0.2
    set size 0.33, 0.66
    set lmargin 9
    set rmargin 2
    set xrange [n_lo[fi] : n_hi[fi]]
    set title sprintf("%s: round to nearest stagnates at %.10g from n = %d", f, v_stag[fi], n_stag[fi])
    if (n_stag[fi] <= n_hi[fi]) {
        set arrow 1 from n_stag[fi], graph 0 to n_stag[fi], graph 1 nohead dt 2 lc rgb "#000000" lw 1
    } else {
        unset arrow 1
    }
    if (fi == 1) { set ylabel "relative error" } else { unset ylabel }
    plot for [mi=1:words(M)] data using "n":(strcol("format") eq f && strcol("rounding") eq word(M, mi) ? column("err_median") : NaN) \
             with lines lt (mi == 1 ? 11 : mi + 1) lw (mi == 1 ? 2.5 : 1.8) title word(MT, mi), \
         data using "n":(strcol("format") eq f && strcol("rounding") eq "sr" ? column("err_median") : NaN) \
             with linespoints lt 1 lw 2.2 ps 0.5 title "exact SR (median)", \
         data using "n":(strcol("format") eq f && strcol("rounding") eq "sr" ? column("err_max") : NaN) \
             with lines lt 1 dt 3 lw 1.2 title "exact SR (max)", \
         data using "n":(strcol("format") eq f && strcol("rounding") eq "sr" ? column("sqrt_n_u") : NaN) \
             with lines dt 2 lw 1.5 lc rgb "#777777" title "sqrt(n) u", \
         data using "n":(strcol("format") eq f && strcol("rounding") eq "sr" ? column("gamma_n") : NaN) \
             with lines dt 3 lw 1.5 lc rgb "#777777" title "{/Symbol g}_{n-1} (RN worst case)", \
         data using "n":(strcol("format") eq f && strcol("rounding") eq "sr" ? column("freedman_bound") : NaN) \
             with linespoints dt 4 lw 1.5 pt 2 ps 0.8 lc rgb "#d62728" title "Freedman bound, {/Symbol l} = 3", \
         data using "n":(strcol("format") eq f && strcol("rounding") eq "sr" ? column("azuma_bound") : NaN) \
             with linespoints dt 5 lw 1.5 pt 3 ps 0.8 lc rgb "#8c564b" title "Azuma bound, {/Symbol l} = 3"
}
unset arrow 1

# The legend, in a strip of its own below the panels (same styles, no data).
set origin 0, 0
set size 1, 0.14
unset border
unset tics
unset xlabel
unset ylabel
unset title
unset grid
unset logscale
set xrange [0:1]
set yrange [0:1]
set key center center horizontal maxrows 2 font ",12" spacing 1.2 samplen 3 width 2
plot for [mi=1:words(M)] NaN with lines lt (mi == 1 ? 11 : mi + 1) lw (mi == 1 ? 2.5 : 1.8) title word(MT, mi), \
     NaN with linespoints lt 1 lw 2.2 ps 0.5 title "exact SR (median)", \
     NaN with lines lt 1 dt 3 lw 1.2 title "exact SR (max)", \
     NaN with lines dt 2 lw 1.5 lc rgb "#777777" title "sqrt(n) u", \
     NaN with lines dt 3 lw 1.5 lc rgb "#777777" title "{/Symbol g}_{n-1} (RN worst case)", \
     NaN with linespoints dt 4 lw 1.5 pt 2 ps 0.8 lc rgb "#d62728" title "Freedman bound, {/Symbol l} = 3", \
     NaN with linespoints dt 5 lw 1.5 pt 3 ps 0.8 lc rgb "#8c564b" title "Azuma bound, {/Symbol l} = 3"
unset multiplot
