#pragma once
// foh render: a take played through the console offline, its automation replayed (engine/offline/Render.h); needs
// no fohd.

namespace foh::cli {

/// argv[0] is "render". Exit status: 0 ok, 1 the take could not be read, rendered or written, 2 usage.
int runRender(int argc, char** argv);

}  // namespace foh::cli
