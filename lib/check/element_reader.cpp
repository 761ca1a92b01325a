#include "check/element_reader.hpp"

#include "check/server_xml.hpp"

namespace ajpgate::check::detail {

Attribute ElementReader::attribute(const xmlNode* element, const char* name) const {
    Attribute result;
    result.where = where(element);
    auto raw = raw_attribute(element, name);
    if (!raw) return result;
    std::vector<std::string> unresolved;
    result.value = substitute_tomcat_properties(*raw, properties_, &unresolved);
    for (const auto& property : unresolved) {
        notes_.push_back({result.where, std::string(name) + "=\"" + *raw + "\" on <" +
                                            reinterpret_cast<const char*>(element->name) + ">: ${" + property +
                                            "} is not defined (no system property, nothing in "
                                            "catalina.properties): kept as written"});
    }
    return result;
}

std::string ElementReader::text(const xmlNode* element, const char* name, const std::string& fallback) const {
    return attribute(element, name).or_default(fallback);
}

}  // namespace ajpgate::check::detail
