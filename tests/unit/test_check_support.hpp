// Helpers for the tests of lib/check's Tomcat reader: a scratch directory per test and a
// search through a node's notes. They fail the test through cmocka, so this header comes
// after cmocka.h, and cmocka.h after every standard header, for its macros: the including
// file brings <cstdlib> (mkdtemp), <filesystem>, <fstream>, <string> and check/server_xml.hpp.
#pragma once

namespace check_test {

using namespace ajpgate::check;
namespace fs = std::filesystem;

// A directory of its own for one test, removed afterwards.
class Scratch {
public:
    Scratch() {
        char pattern[] = "/tmp/ajpgate-check-XXXXXX";
        const char* made = ::mkdtemp(pattern);
        assert_non_null(made);
        dir_ = made;
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    std::string path(const std::string& relative) const { return dir_ + "/" + relative; }
    std::string write(const std::string& relative, const std::string& text) const {
        const std::string full = path(relative);
        fs::create_directories(fs::path(full).parent_path());
        std::ofstream(full, std::ios::binary) << text;
        return full;
    }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
};

inline bool has_note(const TomcatNode& node, const std::string& part, std::size_t line = 0) {
    for (const auto& note : node.notes) {
        if (note.message.find(part) != std::string::npos && (line == 0 || note.where.line == line)) return true;
    }
    return false;
}

}  // namespace check_test
