#include "scenes/AtomicFile.h"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace foh::scenes {
namespace {
namespace fs = std::filesystem;

constexpr std::string_view kTempTag = ".tmp.";
constexpr std::string_view kPrevTempTag = ".prev.tmp.";

std::string errnoText(int e) {
    char buffer[256];
    return ::strerror_r(e, buffer, sizeof buffer);  // the GNU strerror_r: returns the message
}

/// Closes on destruction; close() reports close's own result (NFS delivers write errors there).
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const { return fd_; }
    [[nodiscard]] bool valid() const { return fd_ >= 0; }
    /// 0, or the errno of close. The descriptor is gone either way (on Linux even after EINTR: never retry close).
    int close() {
        const int fd = fd_;
        fd_ = -1;
        return ::close(fd) == 0 ? 0 : errno;
    }

private:
    int fd_;
};

int writeAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;  // ENOSPC / EDQUOT on a full disk, often after a short write that took what fitted
        }
        if (n == 0) return EIO;  // a regular file never takes nothing without saying why: do not spin
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

int syncFd(int fd) {
    while (::fsync(fd) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}

/// Where a step-1/2 write failed: at open (the name was not created) or after (the file exists and must go).
struct CreateFailure {
    int errorNumber = 0;
    bool created = false;
};

/// Steps 1 and 2 on one name: creates NAME (never an existing one), writes BYTES, fsyncs and closes it.
CreateFailure createSynced(const fs::path& name, std::string_view bytes) {
    Fd fd(::open(name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644));
    if (!fd.valid()) return {errno, false};
    int e = writeAll(fd.get(), bytes);
    if (e == 0) e = syncFd(fd.get());
    const int closed = fd.close();
    if (e == 0) e = closed;
    return {e, true};
}

fs::path withSuffix(const fs::path& path, std::string_view tag, unsigned long serial) {
    fs::path out = path;
    out += std::string(tag) + std::to_string(::getpid()) + "." + std::to_string(serial);
    return out;
}

fs::path directoryOf(const fs::path& path) {
    const fs::path dir = path.parent_path();
    return dir.empty() ? fs::path(".") : dir;
}

int syncDirectory(const fs::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return errno;
    const int e = syncFd(fd.get());
    return e == EINVAL ? 0 : e;  // a file system that cannot sync a directory (some FUSE ones) says EINVAL
}

std::atomic<unsigned long> gSerial{0};  // with the pid, makes every temp name of this process unique

/// Step 3 where hard links are refused (vfat: EPERM; fs.protected_hardlinks on a file of another user: EPERM):
/// a synced copy of PATH under the same temp name.
int copyCurrent(const fs::path& path, const fs::path& prevTemp) {
    ReadResult current = readFile(path);
    if (!current.bytes) return current.errorNumber;
    const CreateFailure f = createSynced(prevTemp, *current.bytes);
    if (f.errorNumber != 0 && f.created) ::unlink(prevTemp.c_str());
    return f.errorNumber;
}

/// Steps 3 and 4: PATH.prev becomes a second name of the current PATH. 0 or the errno.
int keepPrevious(const fs::path& path, const fs::path& prevTemp) {
    if (::link(path.c_str(), prevTemp.c_str()) != 0) {
        int e = errno;
        if (e == EEXIST) {
            // Our pid and serial are unique among running processes: this is a dead process's leftover.
            ::unlink(prevTemp.c_str());
            e = ::link(path.c_str(), prevTemp.c_str()) == 0 ? 0 : errno;
        }
        if (e == EPERM || e == EOPNOTSUPP) e = copyCurrent(path, prevTemp);
        if (e == ENOENT) return 0;  // PATH went away since we looked (removed by hand): nothing to keep
        if (e != 0) return e;
    }
    if (::rename(prevTemp.c_str(), previousPath(path).c_str()) != 0) {
        const int e = errno;
        ::unlink(prevTemp.c_str());
        return e;
    }
    return 0;
}

WriteResult failed(int e, std::string message) { return {false, false, e, std::move(message)}; }

/// Digits only, and all of them; false for an empty text.
bool allDigits(std::string_view text) {
    if (text.empty()) return false;
    for (const char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

/// The pid in "PID.SERIAL" when TEXT is exactly that, else 0.
pid_t tempPid(std::string_view text) {
    const std::size_t dot = text.find('.');
    if (dot == std::string_view::npos || !allDigits(text.substr(0, dot)) || !allDigits(text.substr(dot + 1))) return 0;
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + dot, pid);
    return ec == std::errc() && end == text.data() + dot ? pid : 0;
}

}  // namespace

WriteResult writeFileAtomically(const fs::path& path, std::string_view bytes) {
    const std::string name = path.string();
    if (path.filename().empty()) return failed(EINVAL, "'" + name + "': cannot write: no file name (nothing was changed)");
    struct stat st {};
    bool exists = false;
    if (::lstat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) return failed(EISDIR, name + ": cannot write: it is a directory (nothing was changed)");
        if (S_ISLNK(st.st_mode))
            return failed(ELOOP, name + ": cannot write: it is a symbolic link, and a crash-safe save would replace "
                                        "the link itself; save to the file it points to (nothing was changed)");
        if (!S_ISREG(st.st_mode))
            return failed(EINVAL, name + ": cannot write: it is not a regular file (nothing was changed)");
        exists = true;
    } else if (errno != ENOENT) {
        const int e = errno;
        return failed(e, name + ": cannot write: " + errnoText(e) + " (nothing was changed)");
    }
    const std::string kept = exists ? " (the previous version is kept)" : " (nothing was saved)";
    const fs::path dir = directoryOf(path);

    // Steps 1-2. EEXIST means a dead process with our pid left that name (pids are reused; in a container fohd may
    // get the same one every start): take the next serial.
    fs::path temp;
    unsigned long serial = 0;
    CreateFailure f{EEXIST, false};
    for (int attempt = 0; attempt < 1000 && f.errorNumber == EEXIST && !f.created; ++attempt) {
        serial = gSerial.fetch_add(1, std::memory_order_relaxed);
        temp = withSuffix(path, kTempTag, serial);
        f = createSynced(temp, bytes);
    }
    if (f.errorNumber != 0) {
        if (!f.created)
            return failed(f.errorNumber, name + ": cannot create a temporary file in " + dir.string() + ": " +
                                             errnoText(f.errorNumber) + kept);
        ::unlink(temp.c_str());
        return failed(f.errorNumber, name + ": cannot write: " + errnoText(f.errorNumber) + kept);
    }

    // Steps 3-4.
    if (exists) {
        const int e = keepPrevious(path, withSuffix(path, kPrevTempTag, serial));
        if (e != 0) {
            ::unlink(temp.c_str());
            return failed(e, name + ": cannot keep the previous version as " + previousPath(path).string() + ": " +
                                 errnoText(e) + kept);
        }
    }

    // Step 5.
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(temp.c_str());
        return failed(e, name + ": cannot replace it: " + errnoText(e) + kept);
    }

    // Step 6.
    if (const int e = syncDirectory(dir); e != 0)
        return {false, true, e,
                name + ": saved, but the folder " + dir.string() + " could not be synced: " + errnoText(e) +
                    " (the new version may not survive a power cut)"};
    return {true, true, 0, {}};
}

ReadResult readFile(const fs::path& path) {
    const std::string name = path.string();
    ReadResult result;
    const auto fail = [&](int e) {
        result.missing = e == ENOENT;
        result.errorNumber = e;
        result.error = name + ": cannot read: " + errnoText(e);
        return result;
    };
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return fail(errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return fail(errno);
    if (S_ISDIR(st.st_mode)) return fail(EISDIR);
    std::string bytes;
    if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<std::size_t>(st.st_size));
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(errno);
        }
        if (n == 0) break;
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
    result.bytes = std::move(bytes);
    return result;
}

fs::path previousPath(const fs::path& path) {
    fs::path prev = path;
    prev += ".prev";
    return prev;
}

ReadResult readPrevious(const fs::path& path) { return readFile(previousPath(path)); }

CleanResult cleanStaleTemps(const fs::path& path) {
    CleanResult result;
    const std::string name = path.filename().string();
    const fs::path dir = directoryOf(path);
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) {
        result.error = dir.string() + ": cannot list: " + ec.message();
        return result;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        const std::string entry = it->path().filename().string();
        if (entry.size() <= name.size() || entry.compare(0, name.size(), name) != 0) continue;
        const std::string_view rest = std::string_view(entry).substr(name.size());
        pid_t pid = 0;
        if (rest.starts_with(kTempTag)) pid = tempPid(rest.substr(kTempTag.size()));
        else if (rest.starts_with(kPrevTempTag)) pid = tempPid(rest.substr(kPrevTempTag.size()));
        if (pid <= 0) continue;  // not our pattern
        std::error_code typeError;
        if (!fs::is_regular_file(it->symlink_status(typeError)) || typeError) continue;
        // Another running process's save in progress: leave it (a dead pid now reused only delays the clean-up).
        if (pid != ::getpid() && !(::kill(pid, 0) != 0 && errno == ESRCH)) continue;
        if (::unlink(it->path().c_str()) == 0) {
            result.removed.push_back(it->path());
        } else if (result.error.empty()) {
            result.error = it->path().string() + ": cannot remove: " + errnoText(errno);
        }
    }
    if (ec && result.error.empty()) result.error = dir.string() + ": cannot list: " + ec.message();
    return result;
}

}  // namespace foh::scenes
