// mime=txt: one line per section, "<Title>: key=value key="value" ...", with mod_jk's
// choice of quoted values (status_keys.hpp); cmd=dump adds "Configuration:" and the lines.
#include "status/render_formats.hpp"
#include "status/render_walk.hpp"

namespace ajpgate::status::detail {

namespace {

class TxtEmitter : public FlatEmitter<TxtEmitter> {
public:
    template <class Item>
    void section(const keys::Section<Item>& section, const Item& item, Names) {
        out_.append(section.title);
        for (const auto& part : section.parts) {
            for (const keys::Field<Item>& field : part) {
                if (field.txt.empty() || !field.visible(item)) {
                    continue;
                }
                const bool quoted = field.quote == keys::Quote::yes;
                out_.append(" ").append(field.txt).append(quoted ? "=\"" : "=").append(field.value(item));
                if (quoted) {
                    out_.append("\"");
                }
            }
        }
        out_.append("\n");
    }

    void dump(const StatusPage& page) {
        out_.append("Configuration:\n");
        dump_lines(page);
    }
};

}  // namespace

std::string render_txt(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    TxtEmitter emitter;
    Walk<TxtEmitter>(page, context, emitter).run(result);
    return emitter.take();
}

}  // namespace ajpgate::status::detail
