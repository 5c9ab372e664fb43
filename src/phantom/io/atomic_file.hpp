// Crash-safe file replacement (reliability.md §6): write a temp file in the same folder,
// fsync, close (checked), rename over the target, fsync the folder. A crash or a full disk at
// any moment leaves either the old file or the new one, never a mixture, and no temp file
// behind. [control-thread] Throws std::runtime_error naming the path and the system's reason.
#pragma once

#include <string>

namespace phantom::io {

void write_file_atomically(const std::string& path, const std::string& content);

// A temp name beside `path` for writers that cannot hand over a string (audio files):
// ".<name>.partial-XXXXXX<ext>" created with O_EXCL; the caller renames or removes it.
std::string make_temp_path_beside(const std::string& path);
// Rename into place. `durable` also fsyncs the file and its folder (state that must survive a
// power cut); without it a crash can lose the new file but never leaves a partial one.
void commit_temp_file(const std::string& temp_path, const std::string& final_path,
                      bool durable = true);

}  // namespace phantom::io
