// child_process.hpp — run a helper program for a test (the `openssl` CLI: certificates, a TLS
// server), POSIX, header-only, no exceptions.
//
//   auto r = betwire::test::run_command({"openssl", "version"});        // waits; r.status, r.output
//   betwire::test::child_process srv({"openssl", "s_server", ...});     // runs until destroyed
//   std::string line = srv.wait_for_line("ACCEPT", 5s);                 // stdout+stderr, bounded wait
//
// The child's stdout and stderr go to one pipe; the destructor sends SIGTERM, then SIGKILL after
// a grace period, and always reaps it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace betwire::test {

class child_process {
 public:
  explicit child_process(std::vector<std::string> argv, const std::string& cwd = {}) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> args = std::move(argv);
    if (!cwd.empty()) {
      // posix_spawn has no portable chdir: run through the shell's `cd`.
      std::string line = "cd '" + cwd + "' && exec";
      for (const auto& a : args) line += " '" + a + "'";
      args = {"/bin/sh", "-c", line};
    }
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const int rc = ::posix_spawnp(&pid_, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      pid_ = -1;
      ::close(fds[0]);
      return;
    }
    out_fd_ = fds[0];
  }

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() { stop(); }

  [[nodiscard]] bool started() const noexcept { return pid_ > 0; }

  // Reads output until a line containing `needle` arrives (returned), EOF or the time is up ("").
  std::string wait_for_line(std::string_view needle, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    for (;;) {
      for (std::size_t nl; (nl = buffer_.find('\n', scanned_)) != std::string::npos;) {
        std::string line = buffer_.substr(scanned_, nl - scanned_);
        scanned_ = nl + 1;
        if (line.find(needle) != std::string::npos) return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !read_some(static_cast<int>(left.count()))) return {};
    }
  }

  // Waits for exit (bounded) and returns the whole output; `status` is the exit code or -1.
  std::string finish(int& status, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (read_some(50) || std::chrono::steady_clock::now() < end) {
      if (out_fd_ < 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      int st = 0;
      if (pid_ > 0 && ::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        while (read_some(0)) {
        }
        status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        return buffer_;
      }
      if (std::chrono::steady_clock::now() >= end) break;
    }
    stop();
    status = -1;
    return buffer_;
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      for (int i = 0; i < 100; ++i) {
        int st = 0;
        if (::waitpid(pid_, &st, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
      }
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
  }

 private:
  bool read_some(int timeout_ms) {
    if (out_fd_ < 0) return false;
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) {
      ::close(out_fd_);
      out_fd_ = -1;
      return false;
    }
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  std::size_t scanned_ = 0;
};

struct command_result {
  int status = -1;
  std::string output;
};

inline command_result run_command(std::vector<std::string> argv, const std::string& cwd = {}) {
  child_process p(std::move(argv), cwd);
  command_result r;
  if (!p.started()) return r;
  r.output = p.finish(r.status);
  return r;
}

}  // namespace betwire::test
