#pragma once
// Crash-safe replacement of a small file (the show file). Whenever the process dies or the power goes, PATH is
// afterwards the complete old version or the complete new one, never a mix, never empty; the version before the
// current one is kept beside it as PATH.prev.
//
// The write protocol of writeFileAtomically, in this order (N = pid.counter, unique per write):
//   1. open     PATH.tmp.N            O_CREAT|O_EXCL|O_WRONLY|O_CLOEXEC, mode 0644 (less the umask), same directory
//   2. write    all bytes             short writes and EINTR retried
//      fsync    PATH.tmp.N            the new data is on disk before any name points at it
//      close    PATH.tmp.N            its result counts (NFS reports write errors there)
//   3. link     PATH -> PATH.prev.tmp.N      a second name for the current version; PATH itself is untouched
//   4. rename   PATH.prev.tmp.N -> PATH.prev  replaces the older .prev in one step
//   5. rename   PATH.tmp.N -> PATH            replaces PATH in one step: the only step that changes PATH
//   6. fsync    the directory                makes 3-5 durable
// Any failure in 1-5 (ENOSPC or EDQUOT from write, fsync or close on a full disk, EACCES, EIO...) removes the temp
// files and returns the error; PATH is as it was, and so is PATH.prev unless step 5 was the one to fail (then PATH.prev
// is already a second name of PATH). Steps 3-4 are skipped on the first save, when there is no PATH yet.
//
// Why every crash point leaves a complete file at PATH:
// - PATH is changed only by rename(2) in step 5, which swaps the directory entry atomically: up to step 5 PATH names
//   the old file, from then on the new one, and no instant has no PATH or a PATH naming a partial file.
// - The new file's data was fsynced (step 2) before step 5 gave it the name PATH, so after a power cut PATH cannot
//   name an empty or half-written file (the ext4 "zero-length file after a crash" case, where a rename reached the
//   journal before the data did).
// - The previous version is kept by link + rename, not by rename(PATH, PATH.prev): that would leave a moment with no
//   PATH at all. link(PATH, PATH.prev) directly would fail when PATH.prev exists, and unlinking it first would leave
//   a moment with no PATH.prev; the link to a temp name plus rename(4) replaces PATH.prev in one step too.
// - A crash leaves at most: a PATH.tmp.N or PATH.prev.tmp.N (cleanStaleTemps removes them at the next start), and,
//   between steps 4 and 5, PATH.prev naming the same version as PATH (the next save makes it the previous one again).
// - A crash between 5 and 6: the renames may not have reached the disk; after a power cut PATH is then the old
//   version (journaling file systems commit a rename whole), otherwise the new one.
//
// PATH must be a regular file or not exist: a directory, a symbolic link or a device at PATH is refused (replacing a
// symlink by rename would replace the link itself, silently cutting it from the file it pointed to). On a file system
// without hard links (vfat), step 3 copies PATH to PATH.prev.tmp.N instead (written and fsynced like step 2).
//
// Two saves of one PATH at once (two threads or processes) are each atomic: PATH ends as one of them, whole.
//
// These calls block on the disk (fsync can take tens of milliseconds): never call them from the audio thread.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace foh::scenes {

struct WriteResult {
    bool ok = false;        ///< PATH holds the new bytes and they are on disk
    bool replaced = false;  ///< PATH holds the new bytes (true when ok, and when only the final directory fsync failed)
    int errorNumber = 0;    ///< errno of the failure: ENOSPC, EDQUOT, EACCES, ...; 0 when ok
    /// "show.json: cannot write: No space left on device (the previous version is kept)"; empty when ok.
    std::string error;
};

struct ReadResult {
    std::optional<std::string> bytes;  ///< the whole file; nullopt when it could not be read
    bool missing = false;              ///< it does not exist (ENOENT): a first start rather than a fault
    int errorNumber = 0;
    std::string error;  ///< "show.json: cannot read: Permission denied"; empty when read
};

/// What cleanStaleTemps removed (for the log), and the first error if some leftover could not be removed.
struct CleanResult {
    std::vector<std::filesystem::path> removed;
    std::string error;
};

/// Replaces PATH with BYTES by the protocol above. Blocks on the disk.
[[nodiscard]] WriteResult writeFileAtomically(const std::filesystem::path& path, std::string_view bytes);

/// Reads the whole of PATH. Blocks on the disk.
[[nodiscard]] ReadResult readFile(const std::filesystem::path& path);

/// PATH.prev: the version before the current one, kept by writeFileAtomically. A loader whose parser rejects PATH
/// reads this one instead (and says so); it is missing until the second save.
[[nodiscard]] std::filesystem::path previousPath(const std::filesystem::path& path);
[[nodiscard]] ReadResult readPrevious(const std::filesystem::path& path);

/// Removes what an interrupted writeFileAtomically left in PATH's directory: regular files named PATH.tmp.PID.N or
/// PATH.prev.tmp.PID.N (exactly our pattern, digits only) whose PID is this process or not a running process, so the
/// temp file of another process's save in progress is never pulled from under it. Nothing else is touched.
/// The loader calls it once at start, before this process saves PATH (its own PID counts as stale: in a container
/// fohd may get the same PID on every start). Misused during a save of this process, that save fails with ENOENT and
/// PATH stays as it was.
CleanResult cleanStaleTemps(const std::filesystem::path& path);

}  // namespace foh::scenes
