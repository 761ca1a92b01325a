// libxml2 for jkcheck's Tomcat reader: one parse of server.xml, a context file or a web.xml
// with line numbers, entities replaced from local files only (never the network: a URL is
// refused with a note), libxml2's own limits against entity expansion bombs, and its
// messages collected instead of printed. Every element remembers the file it was read from,
// so an element that came in through `&entity;` points into the entity's file.
//
// The entity loader and the error handler are libxml2 process state: they are installed for
// the duration of one parse and put back afterwards, so nothing stays behind, but two
// threads must not parse at the same time (jkcheck reads one node after the other).
#pragma once

#include <libxml/tree.h>

#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "check/tomcat_model.hpp"

namespace ajpgate::check::detail {

struct XmlDocFree {
    void operator()(xmlDoc* doc) const noexcept { xmlFreeDoc(doc); }
};

// Where an element's start tag begins: libxml2's own line is the one its start tag ends on.
struct ElementOrigin {
    const std::string* file = nullptr;
    std::size_t line = 0;
};

// What the elements' _private pointers point at: kept as long as the tree.
struct ElementOrigins {
    std::set<std::string> files;
    std::deque<ElementOrigin> elements;
};

// A parsed document and where each of its elements was written.
class XmlDocument {
public:
    XmlDocument() = default;
    XmlDocument(xmlDoc* doc, std::unique_ptr<ElementOrigins> origins, std::string file)
        : doc_(doc), origins_(std::move(origins)), file_(std::move(file)) {}

    explicit operator bool() const noexcept { return doc_ != nullptr; }
    const xmlNode* root() const noexcept;
    const std::string& file() const noexcept { return file_; }
    // The element's file (the entity file for included elements) and line.
    Location where(const xmlNode* node) const;

private:
    std::unique_ptr<xmlDoc, XmlDocFree> doc_;
    std::unique_ptr<ElementOrigins> origins_;
    std::string file_;
};

struct XmlParse {
    XmlDocument document;  // empty when the text is not well-formed XML
    std::string error;     // libxml2's first error, when empty
    Location error_where;
};

// `file` labels locations and is the base for relative entity paths. Notes get the entities
// that were refused or could not be read.
XmlParse parse_xml_text(std::string_view text, const std::string& file, std::vector<ReadNote>& notes);

// The same for a file on disk; a file that cannot be read is an error like a parse error.
XmlParse parse_xml_file(const std::string& path, std::vector<ReadNote>& notes);

// The whole file as bytes, or nullopt with a reason in `error` (missing, a directory, too
// big for a configuration file).
std::optional<std::string> read_small_file(const std::string& path, std::string& error);

// Navigation over elements only (comments, text and entity nodes are skipped).
bool is_element(const xmlNode* node, std::string_view name) noexcept;
std::vector<const xmlNode*> child_elements(const xmlNode* parent, std::string_view name = {});
const xmlNode* first_child(const xmlNode* parent, std::string_view name);
std::optional<std::string> raw_attribute(const xmlNode* node, const char* name);
std::string element_text(const xmlNode* node);  // trimmed text content
std::string element_namespace(const xmlNode* node);

}  // namespace ajpgate::check::detail
