// docs/PARAMETERS.md carries the table `fohd --list-params` prints from the registry; this keeps it from drifting.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {
std::string run(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    REQUIRE(pclose(p) == 0);
    return out;
}
}  // namespace

TEST_CASE("docs/PARAMETERS.md holds exactly the registry's table", "[docs]") {
    const std::string table = run(std::string(FOHD_BINARY) + " --list-params");
    REQUIRE(table.find("/ch/N/fader") != std::string::npos);
    std::ifstream doc(std::string(FOH_SOURCE_DIR) + "/docs/PARAMETERS.md");
    REQUIRE(doc.good());
    std::stringstream ss;
    ss << doc.rdbuf();
    const std::string text = ss.str();
    const std::string begin = "<!-- registry:begin -->\n", end = "<!-- registry:end -->";
    const auto b = text.find(begin), e = text.find(end);
    REQUIRE(b != std::string::npos);
    REQUIRE(e != std::string::npos);
    INFO("regenerate with: tools/gen-docs.sh");
    CHECK(text.substr(b + begin.size(), e - b - begin.size()) == table);
}

TEST_CASE("docs/OSC.md holds exactly the registry's OSC address table", "[docs][osc]") {
    const std::string table = run(std::string(FOHD_BINARY) + " --list-osc");
    REQUIRE(table.find("| `/ch/N/fader` | `f` (dB) | `-inf` | fader |") != std::string::npos);
    REQUIRE(table.find("| `/ch/N/mute` | `i` (on/off) | `on`, `off` | toggle |") != std::string::npos);
    std::ifstream doc(std::string(FOH_SOURCE_DIR) + "/docs/OSC.md");
    REQUIRE(doc.good());
    std::stringstream ss;
    ss << doc.rdbuf();
    const std::string text = ss.str();
    const std::string begin = "<!-- osc:begin -->\n", end = "<!-- osc:end -->";
    const auto b = text.find(begin), e = text.find(end);
    REQUIRE(b != std::string::npos);
    REQUIRE(e != std::string::npos);
    INFO("regenerate with: tools/gen-docs.sh");
    CHECK(text.substr(b + begin.size(), e - b - begin.size()) == table);
}
