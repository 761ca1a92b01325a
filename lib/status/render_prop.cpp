// mime=prop: one "key=value" line per value, keys <prefix>[.<name>].<key> (render_walk.hpp
// decides what is shown, status_keys.hpp the keys). Values are written as they are, like
// mod_jk: a value holding a line break would start a new line.
#include "status/render_walk.hpp"
#include "status/render_formats.hpp"

namespace ajpgate::status::detail {

namespace {

class PropEmitter : public FlatEmitter<PropEmitter> {
public:
    explicit PropEmitter(std::string_view prefix) : prefix_(prefix) {}

    template <class Item>
    void section(const keys::Section<Item>& section, const Item& item, Names names) {
        for (const auto& part : section.parts) {
            for (const keys::Field<Item>& field : part) {
                if (!field.prop.empty() && field.visible(item)) {
                    line(field.scope, names, field.prop, field.value(item));
                }
            }
        }
    }

    void dump(const StatusPage& page) { dump_lines(page); }

private:
    void line(keys::Scope scope, Names names, std::string_view key, const std::string& value) {
        out_.append(prefix_).append(".");
        if (scope != keys::Scope::top) {
            out_.append(scope == keys::Scope::item ? names.item : names.owner).append(".");
        }
        out_.append(key).append("=").append(value).append("\n");
    }

    std::string_view prefix_;
};

}  // namespace

std::string render_prop(const StatusPage& page, const RenderContext& context, const ActionResult& result) {
    PropEmitter emitter(settings_of(context).prefix);
    Walk<PropEmitter>(page, context, emitter).run(result);
    return emitter.take();
}

}  // namespace ajpgate::status::detail
