// The HTML page: every value escaped (hostile worker names, hosts, routes, maps, the request
// URI and the query stay inert), every state change a POST form, auto refresh, css, the
// read-only view, the edit forms, results and errors. Pages are read back with libxml2's
// HTML parser and checked as trees.
#include <libxml/HTMLparser.h>

#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "status/html_writer.hpp"
#include "status/status_messages.hpp"
#include "status_golden_page.hpp"
#include "test_status_support.hpp"

extern "C" {
#include <cstdarg>
#include <cstddef>
#include <csetjmp>
#include <cstdint>
#include <cmocka.h>
}

namespace {

using namespace ajpgate;
using namespace status_test;
namespace html = ajpgate::status::detail::html;

constexpr const char* kHostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";

// The parsed page, walked with a visitor over every element.
class Page {
public:
    explicit Page(const std::string& html)
        : doc_(htmlReadMemory(html.data(), static_cast<int>(html.size()), "page.html", "UTF-8",
                              HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET)) {
        assert_non_null(doc_);
    }
    ~Page() { xmlFreeDoc(doc_); }
    Page(const Page&) = delete;
    Page& operator=(const Page&) = delete;

    void each(const std::function<void(xmlNode*)>& visit) const { walk(xmlDocGetRootElement(doc_), visit); }

    std::vector<xmlNode*> all(const char* name) const {
        std::vector<xmlNode*> found;
        each([&](xmlNode* n) {
            if (xmlStrcasecmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0) found.push_back(n);
        });
        return found;
    }

    static std::string attr(xmlNode* node, const char* name) {
        xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
        std::string text = value ? reinterpret_cast<const char*>(value) : "";
        xmlFree(value);
        return text;
    }

    static std::string text(xmlNode* node) {
        xmlChar* value = xmlNodeGetContent(node);
        std::string out = value ? reinterpret_cast<const char*>(value) : "";
        xmlFree(value);
        return out;
    }

    // The value of the form's hidden input `name` ("" when absent).
    static std::string hidden(xmlNode* form, const char* name) {
        std::string value;
        walk(form->children, [&](xmlNode* n) {
            if (xmlStrcasecmp(n->name, BAD_CAST "input") == 0 && attr(n, "type") == "hidden" &&
                attr(n, "name") == name) {
                value = attr(n, "value");
            }
        });
        return value;
    }

private:
    static void walk(xmlNode* node, const std::function<void(xmlNode*)>& visit) {
        for (; node; node = node->next) {
            if (node->type == XML_ELEMENT_NODE) {
                visit(node);
                walk(node->children, visit);
            }
        }
    }

    xmlDoc* doc_;
};

status::StatusPage hostile_page() {
    status::StatusPage page = golden_page();
    page.server_name = kHostile;
    page.web_server = kHostile;
    auto& lb = std::get<status::LbView>(page.workers[0]);
    lb.name = kHostile;
    lb.method = kHostile;
    for (status::MemberView& m : lb.members) {
        m.ajp.name = std::string(kHostile) + m.ajp.name;
        m.ajp.host = kHostile;
        m.ajp.address = kHostile;
        m.route = kHostile;
        m.redirect = kHostile;
        m.domain = kHostile;
    }
    lb.maps[0].uri = kHostile;
    lb.maps[0].server = kHostile;
    lb.maps[0].fail_on_status = kHostile;
    page.dump = {{"worker.x.host", kHostile}};
    return page;
}

status::Rendered render_with(const status::StatusPage& page, const config::StatusWorker& settings,
                             const std::string& query, const std::string& uri,
                             std::optional<std::string> error = std::nullopt) {
    const status::StatusRequest request = status::parse_status_request(query);
    status::RenderContext context;
    context.settings = &settings;
    context.request = &request;
    context.request_uri = uri;
    context.read_only = status::is_read_only(settings, request);
    return status::render_status(page, context, status::ActionResult{std::move(error)});
}

// No markup of ours can be injected: no script/img element, no on* attribute, no
// javascript: URL, and the hostile text shows as text.
void expect_inert(const std::string& html) {
    const Page page(html);
    page.each([](xmlNode* n) {
        assert_true(xmlStrcasecmp(n->name, BAD_CAST "script") != 0);
        assert_true(xmlStrcasecmp(n->name, BAD_CAST "img") != 0);
        for (xmlAttr* a = n->properties; a; a = a->next) {
            assert_true(xmlStrncasecmp(a->name, BAD_CAST "on", 2) != 0);
            const std::string value = Page::attr(n, reinterpret_cast<const char*>(a->name));
            assert_true(value.find("javascript:") == std::string::npos);
        }
    });
}

void test_hostile_values_are_escaped(void**) {
    const status::StatusPage page = hostile_page();
    config::StatusWorker settings = jkstatus();
    settings.css = kHostile;
    const std::string uri = std::string("/jk") + kHostile;
    const std::string lb = std::string("w=") + html::url_encode(kHostile);
    const std::vector<std::string> queries{"cmd=list&re=5",
                                           "cmd=show&" + lb,
                                           "cmd=edit&" + lb,
                                           "cmd=edit&" + lb + "&att=vwn",
                                           "cmd=dump",
                                           "cmd=update&" + lb + "&from=show",
                                           "cmd=list&x=" + html::url_encode(kHostile)};
    for (const std::string& query : queries) {
        const std::string html = render_with(page, settings, query, uri).body;
        expect_inert(html);
        assert_true(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img") != std::string::npos);
    }
    expect_inert(render_with(page, settings, "cmd=show", uri, std::string(kHostile)).body);
    // A name a query can reach (mod_jk masks only < > ? "): the lb's own pages.
    status::StatusPage reachable = hostile_page();
    const std::string name = "x'autofocus onfocus='alert(1)'&y=1";
    std::get<status::LbView>(reachable.workers[0]).name = name;
    const std::string w = "w=" + html::url_encode(name);
    for (const std::string& query : {"cmd=show&" + w, "cmd=edit&" + w, "cmd=edit&" + w + "&att=vwa",
                                     "cmd=show&" + w + "&sw=" + html::url_encode(std::string(kHostile) + "a_ok")}) {
        const std::string html = render_with(reachable, settings, query, uri).body;
        expect_inert(html);
        assert_true(html.find("x&#39;autofocus onfocus=&#39;alert(1)&#39;&amp;y=1") != std::string::npos);
    }
    // The css setting is a stylesheet link, escaped.
    const Page list(render_with(page, settings, "", uri).body);
    const auto links = list.all("link");
    assert_int_equal(links.size(), 1);
    assert_string_equal(Page::attr(links[0], "rel").c_str(), "stylesheet");
    assert_string_equal(Page::attr(links[0], "href").c_str(), kHostile);
    assert_int_equal(list.all("style").size(), 0);
}

// Every form that changes state posts; links only view.
void test_state_changes_are_posted(void**) {
    const status::StatusPage page = golden_page();
    int posted = 0;
    for (const char* query : {"cmd=list", "cmd=show&w=lb", "cmd=show&w=lb&sw=a_err", "cmd=show&w=solo", "cmd=edit&w=lb",
                              "cmd=edit&w=lb&sw=a_ok", "cmd=edit&w=solo", "cmd=edit&w=lb&att=vwa"}) {
        const Page html(render(page, jkstatus(), query).body);
        for (xmlNode* form : html.all("form")) {
            const std::string cmd = Page::hidden(form, "cmd");
            const bool changes = cmd == "update" || cmd == "reset" || cmd == "recover";
            if (changes) {
                assert_string_equal(Page::attr(form, "method").c_str(), "post");
                assert_string_equal(Page::attr(form, "action").c_str(), "/jkstatus");
                ++posted;
            } else {
                assert_string_equal(Page::attr(form, "method").c_str(), "get");
            }
        }
        for (xmlNode* a : html.all("a")) {
            const std::string href = Page::attr(a, "href");
            for (const char* verb : {"cmd=update", "cmd=reset", "cmd=recover"}) {
                assert_true(href.find(verb) == std::string::npos);
            }
        }
    }
    assert_true(posted > 30);
}

// R for each lb and member, T only for members in plain ERR state; each posts w, sw, from.
void test_actions(void**) {
    const Page html(render(golden_page(), jkstatus(), "cmd=list&mime=html").body);
    std::vector<std::string> recover;
    int resets = 0;
    for (xmlNode* form : html.all("form")) {
        const std::string cmd = Page::hidden(form, "cmd");
        if (cmd == "recover") recover.push_back(Page::hidden(form, "sw"));
        if (cmd == "reset") {
            ++resets;
            assert_string_equal(Page::hidden(form, "from").c_str(), "list");
            assert_string_equal(Page::hidden(form, "mime").c_str(), "html");
        }
    }
    assert_int_equal(resets, 2 + 10 + 2 + 1);  // lb, lbf, their members, solo
    assert_int_equal(recover.size(), 3);
    assert_string_equal(recover[0].c_str(), "a_err");
    assert_string_equal(recover[1].c_str(), "d_err");
    assert_string_equal(recover[2].c_str(), "s_err");
}

void test_auto_refresh(void**) {
    const status::StatusPage page = golden_page();
    for (const char* query : {"cmd=list&re=7", "cmd=show&w=lb&re=7"}) {
        const Page html(render(page, jkstatus(), query).body);
        const auto metas = html.all("meta");
        assert_int_equal(metas.size(), 2);  // charset, refresh
        assert_string_equal(Page::attr(metas[1], "http-equiv").c_str(), "refresh");
        const std::string content = Page::attr(metas[1], "content");
        assert_true(content.starts_with("7;url=/jkstatus?cmd="));
        assert_true(content.ends_with("&re=7"));
        bool stop = false;
        for (xmlNode* a : html.all("a")) {
            if (Page::text(a) == "Stop auto refresh") {
                stop = true;
                assert_true(Page::attr(a, "href").find("re=") == std::string::npos);
            }
        }
        assert_true(stop);
    }
    for (const char* query : {"cmd=list", "cmd=list&re=0", "cmd=edit&w=lb&re=7", "cmd=version&re=7"}) {
        assert_int_equal(Page(render(page, jkstatus(), query).body).all("meta").size(), 1);
    }
    const Page start(render(page, jkstatus(), "cmd=list").body);
    bool field = false;
    for (xmlNode* input : start.all("input")) field = field || Page::attr(input, "name") == "re";
    assert_true(field);
}

int count_text(const Page& page, const char* element, const std::string& text) {
    int n = 0;
    for (xmlNode* node : page.all(element)) n += Page::text(node) == text;
    return n;
}

void test_read_only(void**) {
    const status::StatusPage page = golden_page();
    const std::string writable = render(page, jkstatus(), "cmd=list").body;
    assert_int_equal(count_text(Page(writable), "a", "E"), 2 + 10 + 2 + 1);
    for (const auto& [settings, query] :
         {std::pair{jkstatus2(), "cmd=list"}, std::pair{jkstatus(), "cmd=list&opt=32"},
          std::pair{jkstatus2(), "cmd=show&w=lb"}, std::pair{jkstatus(), "cmd=show&w=lb&opt=32"}}) {
        const std::string body = render(page, settings, query).body;
        const Page html(body);
        assert_int_equal(count_text(html, "a", "E"), 0);
        assert_int_equal(count_text(html, "button", "R"), 0);
        assert_int_equal(count_text(html, "button", "T"), 0);
        assert_int_equal(html.all("select").size(), 1);  // the format choice only, no mass edit
        assert_true(body.find("(read only)</h1>") != std::string::npos);
    }
    // The switch back is offered only when the worker itself is not read-only.
    assert_int_equal(count_text(Page(render(page, jkstatus(), "cmd=list&opt=32").body), "a", "Read/Write"), 1);
    assert_int_equal(count_text(Page(render(page, jkstatus2(), "cmd=list").body), "a", "Read/Write"), 0);
    assert_int_equal(count_text(Page(writable), "a", "Read Only"), 1);
}

void test_edit_forms(void**) {
    const status::StatusPage page = golden_page();
    const Page lb(render(page, jkstatus(), "cmd=edit&w=lb&from=list").body);
    const auto forms = lb.all("form");
    assert_int_equal(forms.size(), 1);
    assert_string_equal(Page::hidden(forms[0], "cmd").c_str(), "update");
    assert_string_equal(Page::hidden(forms[0], "w").c_str(), "lb");
    assert_string_equal(Page::hidden(forms[0], "from").c_str(), "list");
    assert_string_equal(Page::hidden(forms[0], "vls").c_str(), "0");  // unchecking reaches the update
    std::vector<std::string> names;
    for (xmlNode* input : lb.all("input")) {
        if (Page::attr(input, "type") != "hidden") names.push_back(Page::attr(input, "name"));
    }
    const std::vector<std::string> expected{"vlr", "vlri", "vlt", "vlee", "vlx", "vls", "vlf", "vlm",
                                            "vlm", "vlm",  "vlm", "vlm",  "vll", "vll", ""};
    assert_true(names == expected);

    const Page member(render(page, jkstatus(), "cmd=edit&w=lb&sw=a_ok&from=show&psw=a_ok").body);
    const auto member_form = member.all("form");
    assert_int_equal(member_form.size(), 1);
    assert_string_equal(Page::hidden(member_form[0], "sw").c_str(), "a_ok");
    assert_string_equal(Page::hidden(member_form[0], "psw").c_str(), "a_ok");
    int checked = 0;
    for (xmlNode* input : member.all("input")) {
        if (Page::attr(input, "name") == "vwa" && xmlHasProp(input, BAD_CAST "checked")) {
            ++checked;
            assert_string_equal(Page::attr(input, "value").c_str(), "0");
        }
    }
    assert_int_equal(checked, 1);

    const Page all(render(page, jkstatus(), "cmd=edit&w=lb&att=vwf").body);
    int values = 0;
    for (xmlNode* input : all.all("input")) values += Page::attr(input, "name").starts_with("val");
    assert_int_equal(values, 10);
    assert_string_equal(Page::hidden(all.all("form")[0], "att").c_str(), "vwf");
    assert_true(render(page, jkstatus(), "cmd=edit&w=lb&att=bogus").body.find("Unknown attribute") !=
                std::string::npos);
    // The standalone ajp worker has no balancing settings.
    const std::string solo = render(page, jkstatus(), "cmd=edit&w=solo").body;
    assert_true(solo.find("name=\"vahst\"") != std::string::npos);
    assert_true(solo.find("name=\"vwf\"") == std::string::npos);
}

void test_results(void**) {
    const status::StatusPage page = golden_page();
    const std::string done = render(page, jkstatus(), "cmd=reset&w=lb&sw=a_ok&from=show&psw=a_ok").body;
    const Page html(done);
    const auto metas = html.all("meta");
    assert_int_equal(metas.size(), 2);
    assert_string_equal(Page::attr(metas[1], "content").c_str(), "3;url=/jkstatus?cmd=show&w=lb&sw=a_ok");
    assert_true(done.find("Result: OK - You will be redirected in 3 seconds.") != std::string::npos);
    assert_int_equal(html.all("table").size(), 0);
    const std::string back_to_list = render(page, jkstatus(), "cmd=update&w=lb").body;
    assert_true(back_to_list.find("3;url=/jkstatus?cmd=list\"") != std::string::npos);

    const std::string failed =
        render(page, jkstatus(), "cmd=show&w=nosuch", std::string(status::messages::kUnknownWorker)).body;
    assert_true(failed.find("Result: ERROR - Could not find given worker") != std::string::npos);
    assert_true(failed.find("http-equiv") == std::string::npos);
    assert_true(failed.find("<table") == std::string::npos);
    assert_true(failed.find("JK Status Manager Start Page") != std::string::npos);
}

void test_sections_and_options(void**) {
    const status::StatusPage page = golden_page();
    const std::string list = render(page, jkstatus(), "cmd=list").body;
    for (const char* part : {"Listing Load Balancing Workers (2 Workers)", "Listing AJP Worker (1 Worker)",
                             "URI Mappings for lb (17 maps)", "<h2>Legend", "Worker Status for solo",
                             "<td>5</td><td>1</td><td>4</td>", "1.8K (60 /sec)"}) {
        assert_true(list.find(part) != std::string::npos);
    }
    const std::string hidden = render(page, jkstatus(), "cmd=list&opt=" + std::to_string(0x1FF & ~0x20)).body;
    for (const char* part : {"Show Load Balancing Workers", "Show AJP Workers", "Show Legend"}) {
        assert_true(hidden.find(part) != std::string::npos);
    }
    assert_true(hidden.find("Worker Status for") == std::string::npos);
    const std::string member = render(page, jkstatus(), "cmd=show&w=lb&sw=a_ok&opt=2").body;
    assert_true(member.find("Show All Members") != std::string::npos);
    assert_true(member.find("Show URI Mappings") != std::string::npos);
    assert_true(member.find(">a_idle<") == std::string::npos);
    const std::string dump = render(page, jkstatus(), "cmd=dump").body;
    assert_true(dump.find("Configuration Data") != std::string::npos);
    assert_true(dump.find("Back to worker list") != std::string::npos);
    expect_inert(list);
}

// Our own page frame: a doctype, one html/head/body, a title; no mod_jk copyright.
void test_page_frame(void**) {
    const std::string body = render(golden_page(), jkstatus(), "").body;
    assert_true(body.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_true(body.ends_with("</body>\n</html>\n"));
    const Page html(body);
    assert_int_equal(html.all("body").size(), 1);
    assert_int_equal(html.all("title").size(), 1);
    assert_int_equal(html.all("style").size(), 1);
    assert_true(body.find("Copyright") == std::string::npos);
    assert_string_equal(render(golden_page(), jkstatus(), "").content_type.c_str(), "text/html");
}

void test_size_text(void**) {
    using html::size_text;
    const std::pair<std::uint64_t, const char*> cases[] = {{0, "0 "},
                                                           {972, "972 "},
                                                           {973, "1.0K"},
                                                           {1024, "1.0K"},
                                                           {1536, "1.5K"},
                                                           {9 * 1024 + 972, "9.9K"},
                                                           {9 * 1024 + 973, "10K"},
                                                           {10 * 1024 + 511, "10K"},
                                                           {10 * 1024 + 512, "11K"},
                                                           {972 * 1024, "972K"},
                                                           {973 * 1024, "1.0M"},
                                                           {5ULL << 30, "5.0G"},
                                                           {~0ULL, "16E"}};
    for (const auto& [bytes, text] : cases) assert_string_equal(size_text(bytes).c_str(), text);
}

}  // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_values_are_escaped),
        cmocka_unit_test(test_state_changes_are_posted),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_auto_refresh),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_edit_forms),
        cmocka_unit_test(test_results),
        cmocka_unit_test(test_sections_and_options),
        cmocka_unit_test(test_page_frame),
        cmocka_unit_test(test_size_text),
    };
    return cmocka_run_group_tests_name("status_html", tests, setup_utc, nullptr);
}
