// The show file's storage layer on a real file system (a fresh folder under $TMPDIR per test): a save replaces the
// file and keeps the one before as .prev, leaves no temp file, makes a 0644 file; every refused or failed save names
// the file and the reason and changes nothing; the start-up clean-up removes exactly our own leftovers of dead
// processes. (Kills at random points and a full disk: tests/system/show_powercut.sh and show_fulldisk.sh.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenes/AtomicFile.h"

using namespace foh::scenes;
namespace fs = std::filesystem;

namespace {

/// A fresh folder, removed with everything in it at the end (write permission restored first).
struct TempDir {
    fs::path path;
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/foh-atomicfile.XXXXXX";
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        for (const auto& e : fs::recursive_directory_iterator(path, ec))
            if (e.is_directory(ec)) fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

/// The names in DIR, sorted.
std::vector<std::string> names(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string contents(const fs::path& file) {
    const ReadResult r = readFile(file);
    REQUIRE(r.bytes);
    return *r.bytes;
}

void put(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    REQUIRE(out.good());
}

/// The pid of a process that has exited (a child, reaped).
pid_t deadPid() {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return pid;
}

/// Sets the umask for one scope.
struct Umask {
    mode_t old;
    explicit Umask(mode_t mask) : old(::umask(mask)) {}
    ~Umask() { ::umask(old); }
};

/// Files this process writes may be at most BYTES long for one scope (writes past it fail with EFBIG).
struct FileSizeLimit {
    rlimit old{};
    void (*oldHandler)(int);
    explicit FileSizeLimit(rlim_t bytes) : oldHandler(std::signal(SIGXFSZ, SIG_IGN)) {
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
        rlimit limited = old;
        limited.rlim_cur = bytes;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);
    }
};

/// writeFileAtomically(PATH, BYTES) in a child process as user and group nobody (65534) when we are root, so that
/// file permissions apply: root may write anywhere. Returns the child's result (ok, errorNumber, error).
WriteResult writeAsNobody(const fs::path& path, const std::string& bytes) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0))
            ::_exit(2);
        const WriteResult r = writeFileAtomically(path, bytes);
        const std::string report = std::string(r.ok ? "1" : "0") + std::to_string(r.errorNumber) + "\n" + r.error;
        const ssize_t n = ::write(fds[1], report.data(), report.size());
        ::_exit(n == static_cast<ssize_t>(report.size()) ? 0 : 3);
    }
    ::close(fds[1]);
    std::string report;
    char buffer[512];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) report.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    const std::size_t newline = report.find('\n');
    REQUIRE(newline != std::string::npos);
    WriteResult r;
    r.ok = report[0] == '1';
    r.errorNumber = std::stoi(report.substr(1, newline - 1));
    r.error = report.substr(newline + 1);
    return r;
}

}  // namespace

TEST_CASE("a first save creates the file with exactly the bytes, and no .prev or temp file", "[scenes]") {
    TempDir dir;
    const fs::path show = dir.path / "show.json";
    std::string bytes = "{\"version\": 1}\n";
    bytes += std::string(1, '\0') + "binary too";  // byte for byte, not text
    const WriteResult r = writeFileAtomically(show, bytes);
    REQUIRE(r.ok);
    CHECK(r.replaced);
    CHECK(r.errorNumber == 0);
    CHECK(r.error.empty());
    CHECK(contents(show) == bytes);
    CHECK(names(dir.path) == std::vector<std::string>{"show.json"});
    CHECK(readPrevious(show).missing);
}

TEST_CASE("each save replaces the file and keeps the version before it as .prev", "[scenes]") {
    TempDir dir;
    const fs::path show = dir.path / "show.json";
    REQUIRE(writeFileAtomically(show, "one").ok);
    REQUIRE(writeFileAtomically(show, "two").ok);
    CHECK(contents(show) == "two");
    CHECK(contents(previousPath(show)) == "one");
    REQUIRE(writeFileAtomically(show, std::string(300000, 'x')).ok);  // bigger than one write of a pipe or a page
    CHECK(contents(show) == std::string(300000, 'x'));
    CHECK(*readPrevious(show).bytes == "two");
    REQUIRE(writeFileAtomically(show, "").ok);  // an empty version is a version too
    CHECK(contents(show).empty());
    CHECK(contents(previousPath(show)) == std::string(300000, 'x'));
    CHECK(names(dir.path) == std::vector<std::string>{"show.json", "show.json.prev"});
    CHECK(previousPath(show) == dir.path / "show.json.prev");
}

TEST_CASE("a relative path saves in the current folder", "[scenes]") {
    TempDir dir;
    const fs::path before = fs::current_path();
    fs::current_path(dir.path);
    const bool first = writeFileAtomically("show.json", "a").ok;
    const bool second = writeFileAtomically("show.json", "b").ok;
    fs::current_path(before);
    CHECK(first);
    CHECK(second);
    CHECK(contents(dir.path / "show.json") == "b");
    CHECK(contents(dir.path / "show.json.prev") == "a");
}

TEST_CASE("a saved file is mode 0644 less the umask", "[scenes]") {
    TempDir dir;
    const fs::path show = dir.path / "show.json";
    SECTION("umask 022: rw-r--r--") {
        const Umask mask(022);
        REQUIRE(writeFileAtomically(show, "a").ok);
        CHECK((fs::status(show).permissions() & fs::perms::all) ==
              (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read));
    }
    SECTION("umask 077: rw-------, also for the replacement") {
        const Umask mask(077);
        REQUIRE(writeFileAtomically(show, "a").ok);
        REQUIRE(writeFileAtomically(show, "b").ok);
        CHECK((fs::status(show).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
    }
}

TEST_CASE("the start-up clean-up removes only our own leftover temp files of dead processes", "[scenes]") {
    TempDir dir;
    const fs::path show = dir.path / "show.json";
    REQUIRE(writeFileAtomically(show, "good").ok);
    const std::string dead = std::to_string(deadPid());
    const std::string self = std::to_string(::getpid());
    const std::string running = std::to_string(::getppid());  // alive, and not us
    const std::vector<std::string> stale = {"show.json.tmp." + dead + ".0", "show.json.prev.tmp." + dead + ".17",
                                            "show.json.tmp." + self + ".3"};  // ours, from before this start
    const std::vector<std::string> keep = {"show.json",
                                           "show.json.prev",
                                           "show.json.tmp." + running + ".0",  // a save in progress elsewhere
                                           "show.json.tmp.notes",
                                           "show.json.tmp." + dead,
                                           "show.json.tmp." + dead + ".1.bak",
                                           "show.json.tmp." + dead + ".x1",
                                           "show.json.tmp.0.1",  // pid 0 is never a writer
                                           "other.json.tmp." + dead + ".0",
                                           "xshow.json.tmp." + dead + ".0"};
    for (const auto& n : stale) put(dir.path / n, "partial");
    for (const auto& n : keep)
        if (n != "show.json") put(dir.path / n, "not ours");
    fs::create_directory(dir.path / ("show.json.tmp." + dead + ".9"));  // not a regular file: not ours either

    const CleanResult r = cleanStaleTemps(show);
    CHECK(r.error.empty());
    std::vector<std::string> removed;
    for (const auto& p : r.removed) {
        CHECK(p.parent_path() == dir.path);
        removed.push_back(p.filename().string());
    }
    std::sort(removed.begin(), removed.end());
    std::vector<std::string> wantRemoved = stale;
    std::sort(wantRemoved.begin(), wantRemoved.end());
    CHECK(removed == wantRemoved);

    std::vector<std::string> left = keep;
    left.push_back("show.json.tmp." + dead + ".9");
    std::sort(left.begin(), left.end());
    CHECK(names(dir.path) == left);
    CHECK(contents(show) == "good");
}

TEST_CASE("the clean-up of a missing folder reports it", "[scenes]") {
    TempDir dir;
    const CleanResult r = cleanStaleTemps(dir.path / "nowhere" / "show.json");
    CHECK(r.removed.empty());
    CHECK(r.error.find("nowhere") != std::string::npos);
}

TEST_CASE("a save into a folder it may not write fails, says why, and changes nothing", "[scenes]") {
    TempDir dir;
    fs::permissions(dir.path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
    const fs::path folder = dir.path / "show";
    fs::create_directory(folder);
    const fs::path show = folder / "show.json";
    REQUIRE(writeFileAtomically(show, "good").ok);
    fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);

    const WriteResult r = writeAsNobody(show, "new");
    CHECK_FALSE(r.ok);
    CHECK(r.errorNumber == EACCES);
    CHECK(r.error.rfind(show.string() + ": ", 0) == 0);
    CHECK(r.error.find("Permission denied") != std::string::npos);
    CHECK(r.error.find("(the previous version is kept)") != std::string::npos);
    CHECK(contents(show) == "good");
    CHECK(names(folder) == std::vector<std::string>{"show.json"});
}

TEST_CASE("where a hard link is refused, the previous version is kept as a copy", "[scenes]") {
    // fs.protected_hardlinks (on by default) refuses a link to another user's file that one may not write: a
    // non-root user saving in its own folder over a show file root made. (vfat, with no hard links at all, gives the
    // same EPERM.) The copy is then owned by the user, where a link would still be root's file.
    std::ifstream protectedLinks("/proc/sys/fs/protected_hardlinks");
    int protectedValue = 0;
    protectedLinks >> protectedValue;
    if (::geteuid() != 0 || protectedValue != 1) {
        WARN("not run: needs root and fs.protected_hardlinks = 1 to make link(2) fail with EPERM");
        return;
    }
    TempDir dir;
    fs::permissions(dir.path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
    const fs::path folder = dir.path / "show";
    fs::create_directory(folder);
    REQUIRE(::chown(folder.c_str(), 65534, 65534) == 0);
    const fs::path show = folder / "show.json";
    REQUIRE(writeFileAtomically(show, "root's version").ok);  // owned by root, 0644

    const WriteResult r = writeAsNobody(show, "nobody's version");
    REQUIRE(r.ok);
    CHECK(contents(show) == "nobody's version");
    CHECK(contents(previousPath(show)) == "root's version");
    struct stat st {};
    REQUIRE(::stat(previousPath(show).c_str(), &st) == 0);
    CHECK(st.st_uid == 65534);  // a copy, not a second name of root's file
    CHECK(names(folder) == std::vector<std::string>{"show.json", "show.json.prev"});
}

TEST_CASE("a path with no file name is refused", "[scenes]") {
    TempDir dir;
    const WriteResult r = writeFileAtomically(dir.path / "", "x");
    CHECK_FALSE(r.ok);
    CHECK(r.errorNumber == EINVAL);
    CHECK(names(dir.path).empty());
}

TEST_CASE("a save into a missing folder fails with No such file or directory", "[scenes]") {
    TempDir dir;
    const fs::path show = dir.path / "missing" / "show.json";
    const WriteResult r = writeFileAtomically(show, "x");
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.replaced);
    CHECK(r.errorNumber == ENOENT);
    CHECK(r.error ==
          show.string() + ": cannot create a temporary file in " + (dir.path / "missing").string() +
              ": No such file or directory (nothing was saved)");
    CHECK_FALSE(fs::exists(dir.path / "missing"));
    CHECK(names(dir.path).empty());
}

TEST_CASE("a path that is a directory or a symbolic link is refused and left alone", "[scenes]") {
    TempDir dir;
    const fs::path show = dir.path / "show.json";
    SECTION("a directory") {
        fs::create_directory(show);
        put(show / "inside", "kept");
        const WriteResult r = writeFileAtomically(show, "x");
        CHECK_FALSE(r.ok);
        CHECK(r.errorNumber == EISDIR);
        CHECK(r.error == show.string() + ": cannot write: it is a directory (nothing was changed)");
        CHECK(fs::is_directory(show));
        CHECK(contents(show / "inside") == "kept");
        CHECK(names(dir.path) == std::vector<std::string>{"show.json"});
    }
    SECTION("a symbolic link") {
        put(dir.path / "real.json", "real");
        fs::create_symlink("real.json", show);
        const WriteResult r = writeFileAtomically(show, "x");
        CHECK_FALSE(r.ok);
        CHECK(r.errorNumber == ELOOP);
        CHECK(r.error.find("symbolic link") != std::string::npos);
        CHECK(fs::is_symlink(show));
        CHECK(contents(dir.path / "real.json") == "real");
        CHECK(names(dir.path) == std::vector<std::string>{"real.json", "show.json"});
    }
}

TEST_CASE("a save that fails in the middle of writing keeps the file and .prev and leaves no temp file",
          "[scenes]") {
    TempDir dir;
    const fs::path show = dir.path / "show.json";
    REQUIRE(writeFileAtomically(show, "first").ok);
    REQUIRE(writeFileAtomically(show, "second").ok);
    WriteResult r;
    {
        // The same failure path as a full disk (a short write, then an error), without needing one: writes past
        // 64 KiB fail with EFBIG.
        const FileSizeLimit limit(64 * 1024);
        r = writeFileAtomically(show, std::string(100 * 1024, 'n'));
    }
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.replaced);
    CHECK(r.errorNumber == EFBIG);
    CHECK(r.error == show.string() + ": cannot write: File too large (the previous version is kept)");
    CHECK(contents(show) == "second");
    CHECK(contents(previousPath(show)) == "first");
    CHECK(names(dir.path) == std::vector<std::string>{"show.json", "show.json.prev"});
    // and the next save works
    REQUIRE(writeFileAtomically(show, "third").ok);
    CHECK(contents(show) == "third");
    CHECK(contents(previousPath(show)) == "second");
}

TEST_CASE("reading says whether the file is missing or unreadable", "[scenes]") {
    TempDir dir;
    const fs::path show = dir.path / "show.json";
    SECTION("missing: a first start") {
        const ReadResult r = readFile(show);
        CHECK_FALSE(r.bytes);
        CHECK(r.missing);
        CHECK(r.errorNumber == ENOENT);
        CHECK(r.error == show.string() + ": cannot read: No such file or directory");
        CHECK(readPrevious(show).missing);
    }
    SECTION("a directory") {
        fs::create_directory(show);
        const ReadResult r = readFile(show);
        CHECK_FALSE(r.bytes);
        CHECK_FALSE(r.missing);
        CHECK(r.errorNumber == EISDIR);
        CHECK(r.error == show.string() + ": cannot read: Is a directory");
    }
    SECTION("an empty file is read as empty, not as missing") {
        put(show, "");
        const ReadResult r = readFile(show);
        REQUIRE(r.bytes);
        CHECK(r.bytes->empty());
        CHECK_FALSE(r.missing);
        CHECK(r.error.empty());
    }
}
