// mime=xml through libxml2's xmlTextWriter: the elements, attributes, order and values of
// mod_jk 1.2.48 (render_walk.hpp, status_keys.hpp), so a parsed comparison with mod_jk's
// answer is equal. The layout differs on purpose: mod_jk writes every attribute on its own
// line, which xmlTextWriter cannot; we write one element per line, indented by two spaces.
// Also unlike mod_jk, every value is escaped, so the answer stays well-formed XML whatever a
// name or a dumped property holds (mod_jk's dump of a doctype value is not).
//
// Element names are <ns><name> (ns default "jk:", "-" none); the root <status> carries the
// declarations of the `xmlns` setting (default xmlns:jk="http://tomcat.apache.org", "-"
// none), parsed into name="value" pairs; the `doctype` setting goes verbatim on its own line
// after the XML declaration.
#include <libxml/xmlwriter.h>

#include <memory>

#include "status/render_formats.hpp"
#include "status/render_walk.hpp"

namespace ajpgate::status::detail {

namespace {

const xmlChar* x(const std::string& text) {
    return reinterpret_cast<const xmlChar*>(text.c_str());
}

// XML 1.0 text: valid UTF-8 (other bytes taken as Latin-1) and no C0 control but tab,
// line feed and carriage return (a character reference to one would not be well-formed).
std::string xml_text(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto c = static_cast<unsigned char>(in[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool valid = length > 0 && i + length <= in.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            valid = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
        }
        if (!valid) {
            out += static_cast<char>(0xC0 | (c >> 6));  // Latin-1 byte as UTF-8
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            out += '?';
        } else {
            out.append(in.substr(i, length));
            i += length - 1;
        }
    }
    return out;
}

// `xmlns:jk="http://tomcat.apache.org" xmlns:x='y'` -> pairs; stops at the first thing that
// is not name="value".
std::vector<std::pair<std::string, std::string>> namespace_attributes(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> pairs;
    while (true) {
        const auto start = text.find_first_not_of(" \t\r\n");
        const auto eq = text.find('=', start);
        if (start == std::string_view::npos || eq == std::string_view::npos || eq + 1 >= text.size()) {
            return pairs;
        }
        const char quote = text[eq + 1];
        const auto end = text.find(quote, eq + 2);
        std::string_view name = text.substr(start, eq - start);
        name = name.substr(0, name.find_last_not_of(" \t") + 1);
        if ((quote != '"' && quote != '\'') || end == std::string_view::npos || name.empty()) {
            return pairs;
        }
        pairs.emplace_back(std::string(name), std::string(text.substr(eq + 2, end - eq - 2)));
        text.remove_prefix(end + 1);
    }
}

struct BufferDeleter {
    void operator()(xmlBuffer* buffer) const { xmlBufferFree(buffer); }
};
struct WriterDeleter {
    void operator()(xmlTextWriter* writer) const { xmlFreeTextWriter(writer); }
};

class XmlEmitter {
public:
    explicit XmlEmitter(const config::StatusWorker& settings)
        : settings_(settings), prefix_(xml_prefix(settings)), buffer_(xmlBufferCreate()),
          writer_(buffer_ ? xmlNewTextWriterMemory(buffer_.get(), 0) : nullptr) {
        if (writer_) {
            xmlTextWriterSetIndent(writer_.get(), 1);
            xmlTextWriterSetIndentString(writer_.get(), reinterpret_cast<const xmlChar*>("  "));
        }
    }

    void begin_document() {
        check(xmlTextWriterStartDocument(writer_.get(), "1.0", "UTF-8", nullptr));
        if (!settings_.doctype.empty()) {
            check(xmlTextWriterWriteRaw(writer_.get(), x(xml_text(settings_.doctype) + "\n")));
        }
        start("status");
        for (const auto& [name, value] : namespace_attributes(xml_namespace_text(settings_))) {
            attribute(name, value);
        }
    }

    void end_document() { check(xmlTextWriterEndDocument(writer_.get())); }

    template <class Item>
    void section(const keys::Section<Item>& sec, const Item& item, Names names) {
        open(sec, item, names);
        check(xmlTextWriterEndElement(writer_.get()));
    }

    template <class Item>
    void open(const keys::Section<Item>& sec, const Item& item, Names) {
        start(sec.xml_element);
        for (const auto& part : sec.parts) {
            for (const keys::Field<Item>& field : part) {
                if (!field.xml.empty() && field.visible(item)) {
                    attribute(field.xml, field.value(item));
                }
            }
        }
    }

    template <class Item>
    void close(const keys::Section<Item>&) {
        check(xmlTextWriterFullEndElement(writer_.get()));
    }

    void dump(const StatusPage& page) {
        start("configuration");
        for_each_dump_line(page, [this](std::string_view name, std::string_view value) { attribute(name, value); });
        check(xmlTextWriterEndElement(writer_.get()));
    }

    // The document, or nothing when libxml2 failed (out of memory).
    std::string take() {
        writer_.reset();  // flushes into the buffer
        if (failed_ || !buffer_) {
            return {};
        }
        return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())),
                           static_cast<std::size_t>(xmlBufferLength(buffer_.get())));
    }

private:
    void start(std::string_view element) {
        check(xmlTextWriterStartElement(writer_.get(), x(xml_text(std::string(prefix_) + std::string(element)))));
    }

    void attribute(std::string_view name, std::string_view value) {
        check(xmlTextWriterWriteAttribute(writer_.get(), x(xml_text(name)), x(xml_text(value))));
    }

    void check(int rc) {
        failed_ = failed_ || rc < 0 || !writer_;
    }

    const config::StatusWorker& settings_;
    std::string_view prefix_;
    std::unique_ptr<xmlBuffer, BufferDeleter> buffer_;
    std::unique_ptr<xmlTextWriter, WriterDeleter> writer_;
    bool failed_ = false;
};

}  // namespace

std::string render_xml(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    XmlEmitter emitter(settings_of(context));
    Walk<XmlEmitter>(page, context, emitter).run(result);
    return emitter.take();
}

}  // namespace ajpgate::status::detail
