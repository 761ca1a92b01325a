// Attributes of one parsed configuration file as Tomcat's digester sees them: ${...}
// substituted, an unresolved name noted where it was written, an absent attribute carrying
// its element's place (libxml2 keeps no attribute lines, so a present one does too).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "check/xml_document.hpp"

namespace ajpgate::check::detail {

class ElementReader {
public:
    ElementReader(const XmlDocument& document, const std::map<std::string, std::string>& properties,
                  std::vector<ReadNote>& notes)
        : document_(document), properties_(properties), notes_(notes) {}

    Attribute attribute(const xmlNode* element, const char* name) const;
    // The substituted value, or `fallback` when the attribute is absent.
    std::string text(const xmlNode* element, const char* name, const std::string& fallback = {}) const;
    Location where(const xmlNode* element) const { return document_.where(element); }
    const XmlDocument& document() const noexcept { return document_; }
    std::vector<ReadNote>& notes() const noexcept { return notes_; }
    const std::map<std::string, std::string>& properties() const noexcept { return properties_; }

private:
    const XmlDocument& document_;
    const std::map<std::string, std::string>& properties_;
    std::vector<ReadNote>& notes_;
};

}  // namespace ajpgate::check::detail
