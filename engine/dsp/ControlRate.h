#pragma once
// Dynamics and filter sweeps update at control rate: every kControlBlock samples. Gain computers (log/exp) and
// coefficient redesigns run once per control block; the per-sample loop only interpolates. 16 samples is 0.33 ms at
// 48 kHz: far below any attack time a console offers, and 16x fewer transcendental calls than per-sample.

namespace foh::dsp {
inline constexpr int kControlBlock = 16;
}
