#pragma once
// The operator's one-line view of the engine: backend, DSP load, xruns, main bus peak and RMS.

#include <string>

#include "backend/Backend.h"
#include "core/Meters.h"

namespace foh::fohd {

[[nodiscard]] std::string formatStatus(const char* backendName, const BackendStatus& status,
                                       const MeterReading& meters);

}  // namespace foh::fohd
