/* The query page: YASGUI on this service's /sparql, with the named queries as examples.
 *
 * Nothing here reaches another origin: the prefix list comes from this service instead of
 * prefix.cc, the class and property autocompleters (which ask lov.linkeddata.es) stay off,
 * and the endpoint list holds only this service. The page's Content-Security-Policy allows no
 * other origin anyway.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("page-config").textContent);
  var Yasqe = Yasgui.Yasqe;

  Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasqe.defaults.prefixCcApi = config.prefixes;
  Yasgui.defaults.endpointCatalogueOptions.getData = function () {
    return [{ endpoint: config.endpoint }];
  };

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,
    persistenceId: "ketenontologie",
    tabName: config.texts.tab,
    yasqe: { value: config.start },
  });

  var byName = {};
  config.queries.forEach(function (query) {
    byName[query.name] = query;
  });

  function open(query) {
    var tab = yasgui.tabNameTaken(query.label);
    if (!tab) {
      tab = yasgui.addTab(true, {
        name: query.label,
        yasqe: { value: query.text },
        requestConfig: { endpoint: config.endpoint },
      });
    }
    yasgui.selectTabId(tab.getId());
    tab.setEndpoint(config.endpoint);
    tab.setQuery(query.text);
    return tab.query();
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-query]"), function (button) {
    button.addEventListener("click", function () {
      open(byName[button.getAttribute("data-query")]);
    });
  });

  document.documentElement.setAttribute("data-ready", "true");
  window.ketenontologie = { yasgui: yasgui, open: function (name) { return open(byName[name]); } };
})();
