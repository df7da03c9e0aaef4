#pragma once
// foh master: offline mastering of a file to a delivery target (engine/offline/Mastering.h), the one subcommand of
// the foh CLI that needs no fohd.

namespace foh::cli {

/// argv[0] is "master". Exit status: 0 ok, 1 the file could not be read, mastered or written, 2 usage.
int runMaster(int argc, char** argv);

}  // namespace foh::cli
