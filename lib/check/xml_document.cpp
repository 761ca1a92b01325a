#include "check/xml_document.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <list>

namespace ajpgate::check::detail {

namespace {

// Configuration files are small; a bigger "file" is more likely /dev/zero's cousin or a
// mistake than a server.xml, and refusing it keeps a hostile entity from eating memory.
constexpr std::size_t max_file_bytes = 16u << 20;
// A document with hundreds of namespace complaints needs only the first few to be fixed.
constexpr std::size_t max_notes_per_document = 20;

// Entities replaced (a Tomcat server.xml may pull in files with &entity;), no network even
// for libxml2's own loaders, line numbers above 65535 kept. No XML_PARSE_HUGE: libxml2's
// default limits stop entity expansion bombs.
constexpr int parse_options = XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_BIG_LINES;

const xmlChar* x(const char* text) { return reinterpret_cast<const xmlChar*>(text); }

std::string from_xml(const xmlChar* text) {
    return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

// What one parse needs inside libxml2's callbacks, which carry no pointer of ours.
struct ParseState {
    std::string main_file;
    std::string directory;  // of main_file, with a trailing '/', or "" for the current one
    xmlParserCtxt* main = nullptr;
    ElementOrigins* origins = nullptr;
    std::list<std::string> entity_bytes;  // kept until the parse ends, whatever libxml2 copies
    startElementNsSAX2Func start_element = nullptr;
    std::vector<ReadNote>* notes = nullptr;
    std::vector<ReadNote> errors;  // libxml2's errors, in order

    // Where the parser is in the main document: the place of an &entity; being loaded.
    Location reference() const {
        if (main && main->input) {
            return {main_file, static_cast<std::size_t>(main->input->line > 0 ? main->input->line : 0), 0};
        }
        return {main_file, 0, 0};
    }
    void note(Location where, std::string message) {
        if (notes->size() < max_notes_per_document * 4) notes->push_back({std::move(where), std::move(message)});
    }
};

thread_local ParseState* current = nullptr;

bool has_url_scheme(std::string_view text) {
    // scheme ":" with a scheme of two characters or more: "C:" would be a drive letter.
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon < 2 || !std::isalpha(static_cast<unsigned char>(text[0]))) {
        return false;
    }
    for (std::size_t i = 1; i < colon; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
    }
    return true;
}

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// The line a start tag begins on: libxml2 is at its end (before the '>'), and no '<' can
// occur inside a tag, so the newlines back to the '<' are the lines it spans.
std::size_t start_tag_line(const xmlParserInput* input) {
    std::size_t line = input->line > 0 ? static_cast<std::size_t>(input->line) : 0;
    if (!input->cur || !input->base) return line;
    std::size_t newlines = 0;
    for (const xmlChar* p = input->cur; p > input->base; --p) {
        if (p[-1] == '<') return newlines < line ? line - newlines : line;
        if (p[-1] == '\n') ++newlines;
    }
    return line;  // the '<' is no longer in the buffer: the tag's last line will do
}

// Tags each element with where its start tag is: the main document or the entity file
// libxml2 opened through load_local_entity (its input carries that name).
void remember_file(void* context, const xmlChar* local, const xmlChar* prefix, const xmlChar* uri,
                   int namespaces_count, const xmlChar** namespaces, int attributes_count,
                   int defaulted, const xmlChar** attributes) {
    auto* ctxt = static_cast<xmlParserCtxt*>(context);
    ParseState* state = current;
    if (!state || !state->start_element) return;
    state->start_element(context, local, prefix, uri, namespaces_count, namespaces, attributes_count, defaulted,
                         attributes);
    xmlNode* node = ctxt ? ctxt->node : nullptr;
    if (!node || node->_private) return;  // not created (out of memory): leave the parent alone
    std::string file = state->main_file;
    if (ctxt != state->main && ctxt->input && ctxt->input->filename) file = ctxt->input->filename;
    ElementOrigin origin{&*state->origins->files.insert(std::move(file)).first, 0};
    origin.line = ctxt->input ? start_tag_line(ctxt->input) : 0;
    node->_private = &state->origins->elements.emplace_back(origin);
}

// Only local regular files, relative ones beside the including document: an http:, ftp: or
// any other URL is refused before libxml2 could open it.
xmlParserInputPtr load_local_entity(const char* url, const char*, xmlParserCtxtPtr ctxt) {
    ParseState* state = current;
    if (!state || !url || !ctxt) return nullptr;
    std::string path = url;
    if (path.rfind("file://", 0) == 0) {
        path.erase(0, 7);
        if (path.rfind("localhost/", 0) == 0) path.erase(0, 9);
    } else if (has_url_scheme(path)) {
        state->note(state->reference(), "entity '" + path +
                                            "' not loaded: only local files are read, never the network");
        return nullptr;
    }
    if (path.empty()) return nullptr;
    if (path.front() != '/') path = state->directory + path;
    std::string error;
    auto bytes = read_small_file(path, error);
    if (!bytes) {
        // libxml2 may hand over a %-escaped path (a space in the system id).
        if (char* plain = xmlURIUnescapeString(path.c_str(), 0, nullptr)) {
            std::string unescaped = plain;
            xmlFree(plain);
            std::string ignored;
            if (unescaped != path && (bytes = read_small_file(unescaped, ignored))) path = unescaped;
        }
    }
    if (!bytes) {
        state->note(state->reference(), "entity file " + path + " not read: " + error);
        return nullptr;
    }
    const std::string& kept = state->entity_bytes.emplace_back(std::move(*bytes));
    xmlParserInputBufferPtr buffer =
        xmlParserInputBufferCreateMem(kept.data(), static_cast<int>(kept.size()), XML_CHAR_ENCODING_NONE);
    if (!buffer) return nullptr;
    xmlParserInputPtr input = xmlNewIOInputStream(ctxt, buffer, XML_CHAR_ENCODING_NONE);
    if (!input) {
        xmlFreeParserInputBuffer(buffer);
        return nullptr;
    }
    input->filename = reinterpret_cast<const char*>(xmlStrdup(x(path.c_str())));
    return input;
}

#if LIBXML_VERSION >= 21200
void collect_error(void* context, const xmlError* error) {
#else
void collect_error(void* context, xmlErrorPtr error) {
#endif
    auto* state = static_cast<ParseState*>(context);
    if (!state || !error || error->level < XML_ERR_ERROR) return;  // warnings: our notes say more
    if (state->errors.size() >= max_notes_per_document) return;
    std::string message = error->message ? error->message : "unknown XML error";
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
    Location where{error->file ? std::string(error->file) : state->main_file,
                   static_cast<std::size_t>(error->line > 0 ? error->line : 0), 0};
    state->errors.push_back({std::move(where), std::move(message)});
}

// Installs our loader and error handler for one parse and puts libxml2's back afterwards.
class LibxmlScope {
public:
    explicit LibxmlScope(ParseState& state)
        : loader_(xmlGetExternalEntityLoader()), error_(xmlStructuredError),
          error_context_(xmlStructuredErrorContext), previous_(current) {
        current = &state;
        xmlSetExternalEntityLoader(load_local_entity);
        xmlSetStructuredErrorFunc(&state, collect_error);
    }
    ~LibxmlScope() {
        xmlSetStructuredErrorFunc(error_context_, error_);
        xmlSetExternalEntityLoader(loader_);
        current = previous_;
    }
    LibxmlScope(const LibxmlScope&) = delete;
    LibxmlScope& operator=(const LibxmlScope&) = delete;

private:
    xmlExternalEntityLoader loader_;
    xmlStructuredErrorFunc error_;
    void* error_context_;
    ParseState* previous_;
};

struct ContextFree {
    void operator()(xmlParserCtxt* ctxt) const noexcept { xmlFreeParserCtxt(ctxt); }
};

}  // namespace

const xmlNode* XmlDocument::root() const noexcept { return doc_ ? xmlDocGetRootElement(doc_.get()) : nullptr; }

Location XmlDocument::where(const xmlNode* node) const {
    if (node && node->type == XML_ELEMENT_NODE && node->_private) {
        const auto* origin = static_cast<const ElementOrigin*>(node->_private);
        return {*origin->file, origin->line, 0};
    }
    // Elements copied for a second use of the same entity may lose their tag; their
    // ancestors within the entity keep the file, libxml2 the line the start tag ends on.
    std::string file = file_;
    for (const xmlNode* n = node ? node->parent : nullptr; n; n = n->parent) {
        if (n->type == XML_ELEMENT_NODE && n->_private) {
            file = *static_cast<const ElementOrigin*>(n->_private)->file;
            break;
        }
    }
    const long line = node ? xmlGetLineNo(node) : 0;
    return {std::move(file), static_cast<std::size_t>(line > 0 ? line : 0), 0};
}

std::optional<std::string> read_small_file(const std::string& path, std::string& error) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    if (!S_ISREG(info.st_mode)) {
        error = S_ISDIR(info.st_mode) ? "it is a directory" : "not a regular file";
        return std::nullopt;
    }
    if (static_cast<std::size_t>(info.st_size) > max_file_bytes) {
        error = "larger than " + std::to_string(max_file_bytes >> 20) + " MiB";
        return std::nullopt;
    }
    // st_size is 0 for /proc files, which may still be endless: the bytes read count too.
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::string content;
    char chunk[16384];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        content.append(chunk, static_cast<std::size_t>(in.gcount()));
        if (content.size() > max_file_bytes) {
            error = "larger than " + std::to_string(max_file_bytes >> 20) + " MiB";
            return std::nullopt;
        }
    }
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return content;
}

XmlParse parse_xml_text(std::string_view text, const std::string& file, std::vector<ReadNote>& notes) {
    XmlParse result;
    if (text.size() > max_file_bytes) {
        result.error = file + ": larger than " + std::to_string(max_file_bytes >> 20) + " MiB";
        result.error_where = {file, 0, 0};
        return result;
    }
    std::unique_ptr<xmlParserCtxt, ContextFree> ctxt(xmlNewParserCtxt());
    if (!ctxt || !ctxt->sax) {
        result.error = file + ": cannot start the XML parser";
        result.error_where = {file, 0, 0};
        return result;
    }
    auto origins = std::make_unique<ElementOrigins>();
    ParseState state;
    state.main_file = file;
    state.directory = directory_of(file);
    state.main = ctxt.get();
    state.origins = origins.get();
    state.notes = &notes;
    state.start_element = ctxt->sax->startElementNs;
    ctxt->sax->startElementNs = remember_file;
    xmlDoc* doc = nullptr;
    {
        LibxmlScope scope(state);
        doc = xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()), file.c_str(), nullptr,
                                parse_options);
    }
    if (!doc) {
        const ReadNote first = state.errors.empty() ? ReadNote{{file, 0, 0}, "not well-formed XML"} : state.errors.front();
        result.error = file + ": not well-formed XML";
        if (first.where.line > 0) result.error += " at line " + std::to_string(first.where.line);
        if (first.where.file != file) result.error += " of " + first.where.file;
        result.error += ": " + first.message;
        result.error_where = first.where;
        return result;
    }
    // Errors libxml2 recovered from (an undeclared namespace prefix) leave a usable tree.
    for (auto& error : state.errors) notes.push_back({error.where, "XML: " + error.message});
    result.document = XmlDocument(doc, std::move(origins), file);
    return result;
}

XmlParse parse_xml_file(const std::string& path, std::vector<ReadNote>& notes) {
    std::string error;
    const auto text = read_small_file(path, error);
    if (!text) {
        XmlParse result;
        result.error = "cannot read " + path + ": " + error;
        result.error_where = {path, 0, 0};
        return result;
    }
    return parse_xml_text(*text, path, notes);
}

bool is_element(const xmlNode* node, std::string_view name) noexcept {
    return node && node->type == XML_ELEMENT_NODE && node->name &&
           name == reinterpret_cast<const char*>(node->name);
}

std::vector<const xmlNode*> child_elements(const xmlNode* parent, std::string_view name) {
    std::vector<const xmlNode*> found;
    if (!parent) return found;
    for (const xmlNode* child = parent->children; child; child = child->next) {
        if (child->type == XML_ELEMENT_NODE && (name.empty() || is_element(child, name))) found.push_back(child);
    }
    return found;
}

const xmlNode* first_child(const xmlNode* parent, std::string_view name) {
    for (const xmlNode* child = parent ? parent->children : nullptr; child; child = child->next) {
        if (is_element(child, name)) return child;
    }
    return nullptr;
}

std::optional<std::string> raw_attribute(const xmlNode* node, const char* name) {
    xmlChar* value = xmlGetNoNsProp(node, x(name));
    if (!value) return std::nullopt;
    std::string text = from_xml(value);
    xmlFree(value);
    return text;
}

std::string element_text(const xmlNode* node) {
    xmlChar* content = xmlNodeGetContent(node);
    std::string text = from_xml(content);
    xmlFree(content);
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string element_namespace(const xmlNode* node) {
    return node && node->ns ? from_xml(node->ns->href) : std::string();
}

}  // namespace ajpgate::check::detail
