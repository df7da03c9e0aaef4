#include "dsp/FilterDesign.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace foh::dsp {
namespace {
BiquadCoeffs normalize(double b0, double b1, double b2, double a0, double a1, double a2) {
    return {static_cast<float>(b0 / a0), static_cast<float>(b1 / a0), static_cast<float>(b2 / a0),
            static_cast<float>(a1 / a0), static_cast<float>(a2 / a0)};
}
}  // namespace

BiquadCoeffs design(FilterShape shape, double freq, double gainDb, double q, double sampleRate) {
    freq = std::clamp(freq, 1.0, 0.49 * sampleRate);
    q = std::max(q, 0.01);
    const double w0 = 2.0 * std::numbers::pi * freq / sampleRate;
    const double cosw = std::cos(w0);
    const double alpha = std::sin(w0) / (2.0 * q);
    const double A = std::pow(10.0, gainDb / 40.0);
    const double sqrtA2alpha = 2.0 * std::sqrt(A) * alpha;
    switch (shape) {
        case FilterShape::Peak:
            return normalize(1 + alpha * A, -2 * cosw, 1 - alpha * A, 1 + alpha / A, -2 * cosw, 1 - alpha / A);
        case FilterShape::LowShelf:
            return normalize(A * ((A + 1) - (A - 1) * cosw + sqrtA2alpha), 2 * A * ((A - 1) - (A + 1) * cosw),
                             A * ((A + 1) - (A - 1) * cosw - sqrtA2alpha), (A + 1) + (A - 1) * cosw + sqrtA2alpha,
                             -2 * ((A - 1) + (A + 1) * cosw), (A + 1) + (A - 1) * cosw - sqrtA2alpha);
        case FilterShape::HighShelf:
            return normalize(A * ((A + 1) + (A - 1) * cosw + sqrtA2alpha), -2 * A * ((A - 1) + (A + 1) * cosw),
                             A * ((A + 1) + (A - 1) * cosw - sqrtA2alpha), (A + 1) - (A - 1) * cosw + sqrtA2alpha,
                             2 * ((A - 1) - (A + 1) * cosw), (A + 1) - (A - 1) * cosw - sqrtA2alpha);
        case FilterShape::LowCut:
            return normalize((1 + cosw) / 2, -(1 + cosw), (1 + cosw) / 2, 1 + alpha, -2 * cosw, 1 - alpha);
        case FilterShape::HighCut:
            return normalize((1 - cosw) / 2, 1 - cosw, (1 - cosw) / 2, 1 + alpha, -2 * cosw, 1 - alpha);
        case FilterShape::BandPass:
            return normalize(alpha, 0.0, -alpha, 1 + alpha, -2 * cosw, 1 - alpha);
    }
    return {};
}

BiquadCoeffs designFirstOrderHighPass(double freq, double sampleRate) {
    const double k = std::tan(std::numbers::pi * std::clamp(freq, 1.0, 0.49 * sampleRate) / sampleRate);
    return {static_cast<float>(1.0 / (1.0 + k)), static_cast<float>(-1.0 / (1.0 + k)), 0.0f,
            static_cast<float>((k - 1.0) / (k + 1.0)), 0.0f};
}

double butterworthQ(int order, int section) {
    return 1.0 / (2.0 * std::sin((2.0 * section - 1.0) * std::numbers::pi / (2.0 * order)));
}

}  // namespace foh::dsp
