// The query editor: a textarea over a highlighted copy of its text, run with fetch() against
// the SPARQL endpoint, results as a table whose IRIs link to this site's pages.
// No library, no build step: the page must work offline and under a strict
// Content-Security-Policy, so there is no inline script and no inline handler.
(function () {
  "use strict";

  var app = document.getElementById("editor-app");
  if (!app) return;
  var endpoint = app.getAttribute("data-endpoint") || "/sparql";
  var base = app.getAttribute("data-base") || "";
  var prefixes = JSON.parse(app.getAttribute("data-prefixes") || "{}");
  var timeoutSeconds = parseFloat(app.getAttribute("data-timeout") || "10");
  var text = document.getElementById("query-text");
  var code = document.getElementById("highlight");
  var pre = code.parentNode;
  var form = document.getElementById("query-form");
  var runButton = document.getElementById("run");
  var exampleSelect = document.getElementById("example-select");
  var permalink = document.getElementById("permalink");
  var statusBox = document.getElementById("status");
  var errorBox = document.getElementById("error");
  var downloads = document.getElementById("downloads");
  var results = document.getElementById("results");

  // ---- highlighting -------------------------------------------------------------------------

  var KEYWORDS = (
    "BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED ORDER BY ASC DESC LIMIT OFFSET " +
    "DISTINCT REDUCED OPTIONAL GRAPH UNION MINUS FILTER BIND VALUES AS GROUP HAVING SERVICE SILENT " +
    "NOT EXISTS IN UNDEF COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES " +
    "DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI " +
    "CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ " +
    "NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI " +
    "ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRUE FALSE INSERT DELETE DATA LOAD CLEAR DROP " +
    "CREATE ADD MOVE COPY WITH USING DEFAULT ALL INTO TO"
  ).split(" ");
  var KEYWORD_SET = {};
  KEYWORDS.forEach(function (k) { KEYWORD_SET[k] = true; });

  // One alternation tried left to right, like the server's own lexer: long strings before
  // short ones, IRIs before the '<' operator, prefixed names before bare words.
  var TOKEN = new RegExp(
    [
      "(#[^\\n]*)",                                                     // 1 comment
      "(\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|\"(?:[^\"\\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\\n]|\\\\.)*'?)", // 2 string
      "(<[^<>\"{}|^`\\\\\\s]*>)",                                         // 3 IRI
      "([?$][A-Za-z0-9_\\u00b7\\u00c0-\\uffff]+)",                       // 4 variable
      "((?:[A-Za-z\\u00c0-\\uffff][\\w.\\-\\u00b7\\u00c0-\\uffff]*)?:[\\w.\\-:%\\u00b7\\u00c0-\\uffff]*)", // 5 prefixed name
      "(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",                                  // 6 language tag
      "([A-Za-z_][A-Za-z0-9_]*)",                                        // 7 word
      "([+-]?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)",                       // 8 number
      "(\\^\\^|[{}()\\[\\].;,])",                                         // 9 punctuation
    ].join("|"),
    "g"
  );
  var CLASSES = [null, "tok-comment", "tok-string", "tok-iri", "tok-var", "tok-pname", "tok-lang", null, "tok-number", "tok-punct"];

  function escapeHtml(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function span(cls, s) {
    return cls ? '<span class="' + cls + '">' + escapeHtml(s) + "</span>" : escapeHtml(s);
  }

  // The highlighted HTML of a query; ``errorLine`` (1-based) is marked when given.
  function highlight(source, errorLine) {
    var out = "";
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(source)) !== null) {
      if (match[0] === "") { TOKEN.lastIndex++; continue; }
      out += escapeHtml(source.slice(last, match.index));
      var group = 1;
      while (group < CLASSES.length && match[group] === undefined) group++;
      var cls = CLASSES[group];
      if (group === 7) {
        var upper = match[0].toUpperCase();
        cls = KEYWORD_SET[upper] ? "tok-keyword" : (match[0] === "a" ? "tok-keyword" : null);
      }
      out += span(cls, match[0]);
      last = TOKEN.lastIndex;
    }
    out += escapeHtml(source.slice(last));
    if (errorLine) {
      var lines = out.split("\n");
      if (errorLine - 1 < lines.length) {
        lines[errorLine - 1] = '<span class="error-line">' + (lines[errorLine - 1] || " ") + "</span>";
      }
      out = lines.join("\n");
    }
    // a final newline keeps the copy as tall as the textarea when the text ends with one
    return out + "\n";
  }

  var errorLine = 0;
  function refresh() {
    code.innerHTML = highlight(text.value, errorLine);
    syncScroll();
    updateLinks();
  }
  // The editor starts as tall as the query (8 to 30 lines); afterwards the reader may resize it.
  var editorBox = document.getElementById("editor");
  function fitHeight() {
    var lines = Math.min(Math.max(text.value.split("\n").length + 2, 8), 30);
    editorBox.style.height = (lines * 1.45 * 0.92 + 1.6) + "rem";
  }

  function syncScroll() {
    pre.scrollTop = text.scrollTop;
    pre.scrollLeft = text.scrollLeft;
  }

  // ---- the query's form and the links that depend on it ----------------------------------------

  // SELECT, ASK, CONSTRUCT or DESCRIBE: the first of these words outside comments, strings and IRIs.
  function queryForm(source) {
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(source)) !== null) {
      if (match[0] === "") { TOKEN.lastIndex++; continue; }
      if (match[7] !== undefined) {
        var upper = match[7].toUpperCase();
        if (upper === "SELECT" || upper === "ASK" || upper === "CONSTRUCT" || upper === "DESCRIBE") return upper;
      }
    }
    return "SELECT";
  }

  var RESULT_FORMATS = [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]];
  var GRAPH_FORMATS = [["turtle", "Turtle"], ["ntriples", "N-Triples"], ["jsonld", "JSON-LD"], ["rdfxml", "RDF/XML"]];
  var EXTENSIONS = { json: "srj", xml: "srx", csv: "csv", tsv: "tsv", turtle: "ttl", ntriples: "nt", jsonld: "jsonld", rdfxml: "rdf" };

  function isGraphForm(form) { return form === "CONSTRUCT" || form === "DESCRIBE"; }

  function updateLinks() {
    var query = text.value;
    permalink.href = "/query?query=" + encodeURIComponent(query);
    var formats = isGraphForm(queryForm(query)) ? GRAPH_FORMATS : RESULT_FORMATS;
    downloads.textContent = "";
    downloads.appendChild(document.createTextNode("Download results: "));
    formats.forEach(function (f, i) {
      var a = document.createElement("a");
      a.href = endpoint + "?query=" + encodeURIComponent(query) + "&format=" + f[0];
      a.setAttribute("download", "results." + EXTENSIONS[f[0]]);
      a.setAttribute("data-format", f[0]);
      a.className = "download";
      a.textContent = f[1];
      downloads.appendChild(a);
      if (i < formats.length - 1) downloads.appendChild(document.createTextNode(" · "));
    });
    downloads.hidden = false;
  }

  // A long query does not fit in a URL: fetch it with POST and save the answer instead.
  downloads.addEventListener("click", function (event) {
    var a = event.target.closest ? event.target.closest("a.download") : null;
    if (!a || a.href.length < 2000) return;
    event.preventDefault();
    var body = new URLSearchParams();
    body.set("query", text.value);
    body.set("format", a.getAttribute("data-format"));
    fetch(endpoint, { method: "POST", body: body }).then(function (response) {
      if (!response.ok) return response.text().then(function (t) { throw new Error(t); });
      return response.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var link = document.createElement("a");
      link.href = url;
      link.download = a.getAttribute("download");
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }).catch(function (err) { showError("Download failed", String(err.message || err)); });
  });

  // ---- terms as links --------------------------------------------------------------------------

  function curie(iri) {
    var best = null;
    Object.keys(prefixes).forEach(function (name) {
      var ns = prefixes[name];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > prefixes[best].length)) best = name;
    });
    if (best === null) return null;
    var local = iri.slice(prefixes[best].length);
    return /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$/.test(local) || local === "" ? best + ":" + local : null;
  }

  // Our own IRIs open the page on this server; others open where they point.
  function localHref(iri) {
    return base && iri.indexOf(base) === 0 ? "/" + iri.slice(base.length) : iri;
  }

  function termNode(term, label) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = localHref(term.value);
      a.textContent = label || curie(term.value) || term.value;
      a.title = term.value;
      a.setAttribute("data-iri", term.value);
      if (!label) a.setAttribute("data-needs-label", "");
      return a;
    }
    if (term.type === "bnode") {
      var b = document.createElement("span");
      b.className = "blank";
      b.textContent = "_:" + term.value;
      return b;
    }
    if (term.type === "triple") {
      var t = document.createElement("span");
      t.appendChild(document.createTextNode("<< "));
      t.appendChild(termNode(term.value.subject));
      t.appendChild(document.createTextNode(" "));
      t.appendChild(termNode(term.value.predicate));
      t.appendChild(document.createTextNode(" "));
      t.appendChild(termNode(term.value.object));
      t.appendChild(document.createTextNode(" >>"));
      return t;
    }
    var s = document.createElement("span");
    s.className = "literal";
    s.textContent = term.value;
    if (term["xml:lang"]) { s.lang = term["xml:lang"]; s.title = "@" + term["xml:lang"]; }
    else if (term.datatype) s.title = curie(term.datatype) || term.datatype;
    return s;
  }

  // ``?org`` shows the text of ``?orgLabel`` (or ``?org_label``, ``?orgName``) when the query returns one;
  // with a single other variable, a plain ``?label`` or ``?name`` names it.
  function labelVariable(variable, variables) {
    var candidates = [variable + "Label", variable + "_label", variable + "Name", variable + "_name"];
    if (variables.length === 2) candidates.push("label", "name");
    for (var i = 0; i < candidates.length; i++) {
      for (var j = 0; j < variables.length; j++) {
        if (variables[j] !== variable && variables[j].toLowerCase() === candidates[i].toLowerCase()) return variables[j];
      }
    }
    return null;
  }

  function table(headers, rows) {
    var tableEl = document.createElement("table");
    tableEl.className = "results";
    var thead = tableEl.createTHead();
    var headRow = thead.insertRow();
    headers.forEach(function (h) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      headRow.appendChild(th);
    });
    var tbody = tableEl.createTBody();
    rows.forEach(function (cells) {
      var tr = tbody.insertRow();
      cells.forEach(function (cell) { tr.insertCell().appendChild(cell); });
    });
    return tableEl;
  }

  // ---- N-Triples, for CONSTRUCT and DESCRIBE shown as a table -----------------------------------

  var NT_TERM = /\s*(<[^>]*>|_:[A-Za-z0-9_.\-]+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9\-]+|\^\^<[^>]*>)?)/y;

  function unescapeNt(s) {
    return s.replace(/\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)/g, function (_, u4, u8, c) {
      if (u4) return String.fromCharCode(parseInt(u4, 16));
      if (u8) return String.fromCodePoint(parseInt(u8, 16));
      return { t: "\t", n: "\n", r: "\r", b: "\b", f: "\f", '"': '"', "'": "'", "\\": "\\" }[c] || c;
    });
  }

  function ntTerm(token) {
    if (token[0] === "<") return { type: "uri", value: unescapeNt(token.slice(1, -1)) };
    if (token[0] === "_") return { type: "bnode", value: token.slice(2) };
    var end = token.lastIndexOf('"');
    var term = { type: "literal", value: unescapeNt(token.slice(1, end)) };
    var rest = token.slice(end + 1);
    if (rest[0] === "@") term["xml:lang"] = rest.slice(1);
    else if (rest.indexOf("^^<") === 0) term.datatype = rest.slice(3, -1);
    return term;
  }

  function parseNTriples(body) {
    var triples = [];
    body.split("\n").forEach(function (line) {
      if (!line.trim() || line.trim()[0] === "#") return;
      var terms = [];
      NT_TERM.lastIndex = 0;
      for (var i = 0; i < 3; i++) {
        var m = NT_TERM.exec(line);
        if (!m) return;
        terms.push(ntTerm(m[1]));
      }
      triples.push(terms);
    });
    return triples;
  }

  // ---- running -----------------------------------------------------------------------------------

  function showError(title, message) {
    errorBox.hidden = false;
    errorBox.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = title;
    errorBox.appendChild(strong);
    var p = document.createElement("pre");
    p.textContent = message;
    errorBox.appendChild(p);
  }

  // "line 3, column 7" (our checks) or "error at 3:7" (the parser)
  function errorPosition(message) {
    var m = /line (\d+), column (\d+)/.exec(message) || /at (\d+):(\d+)/.exec(message);
    return m ? { line: parseInt(m[1], 10), column: parseInt(m[2], 10) } : null;
  }

  function errorMessage(status, body) {
    try {
      var parsed = JSON.parse(body);
      if (parsed && (parsed.message || parsed.error)) return String(parsed.message || parsed.error);
    } catch (e) { /* a plain-text body */ }
    return body.trim() || "HTTP " + status;
  }

  function setStatus(message, warning) {
    statusBox.textContent = message;
    statusBox.className = "status " + (warning ? "warning" : "muted");
  }

  function renderSelect(data, truncated, elapsed) {
    if (typeof data.boolean === "boolean") {
      var answer = document.createElement("p");
      answer.className = "ask-answer";
      answer.textContent = data.boolean ? "Yes (true)" : "No (false)";
      results.appendChild(answer);
      setStatus("ASK answered in " + elapsed + " ms.", false);
      return;
    }
    var variables = data.head.vars || [];
    var bindings = data.results.bindings || [];
    var labelOf = {};
    variables.forEach(function (v) {
      var l = labelVariable(v, variables);
      if (l) labelOf[v] = l;
    });
    var rows = bindings.map(function (row) {
      return variables.map(function (v) {
        var label = labelOf[v] && row[labelOf[v]] ? row[labelOf[v]].value : null;
        return termNode(row[v], label);
      });
    });
    results.appendChild(table(variables, rows));
    reportCount(bindings.length, truncated, elapsed);
    fillLabels();
  }

  // IRIs shown as CURIEs get their labels (claims their statement) in one request; the CURIE stays
  // in the tooltip. A failure leaves the CURIEs, which are correct anyway.
  function fillLabels() {
    var links = results.querySelectorAll("a[data-needs-label]");
    if (!links.length) return;
    var iris = [];
    var seen = {};
    links.forEach(function (a) {
      var iri = a.getAttribute("data-iri");
      if (!seen[iri]) { seen[iri] = true; iris.push(iri); }
    });
    fetch("/labels.json", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ iris: iris.slice(0, 5000) }),
    }).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (labels) {
      links.forEach(function (a) {
        var label = labels[a.getAttribute("data-iri")];
        if (label) {
          a.title = a.textContent + " — " + a.getAttribute("data-iri");
          a.textContent = label;
        }
        a.removeAttribute("data-needs-label");
      });
    }).catch(function () { /* keep the CURIEs */ });
  }

  function reportCount(n, truncated, elapsed) {
    var message = n + " row" + (n === 1 ? "" : "s") + " in " + elapsed + " ms.";
    if (truncated) {
      message += " Truncated: the result was cut at the server's row limit; add LIMIT/OFFSET or narrow the query to see the rest.";
    }
    setStatus(message, truncated);
  }

  function renderGraph(body, truncated, elapsed) {
    var triples = parseNTriples(body);
    var rows = triples.map(function (t) { return t.map(function (term) { return termNode(term); }); });
    // predicates keep their CURIE: it is what a query is written with
    rows.forEach(function (cells) { cells[1].removeAttribute && cells[1].removeAttribute("data-needs-label"); });
    results.appendChild(table(["subject", "predicate", "object"], rows));
    reportCount(triples.length, truncated, elapsed);
    statusBox.textContent = statusBox.textContent.replace("row", "triple");
    fillLabels();
  }

  var running = null;

  function run() {
    var query = text.value;
    var form = queryForm(query);
    var graph = isGraphForm(form);
    if (running) running.abort();
    var controller = new AbortController();
    running = controller;
    // the server stops a query at its limit; give it a little longer to say so
    var timer = setTimeout(function () { controller.abort(); }, (timeoutSeconds + 5) * 1000);
    errorLine = 0;
    errorBox.hidden = true;
    results.textContent = "";
    setStatus("Running…", false);
    runButton.disabled = true;
    var started = Date.now();
    var body = new URLSearchParams();
    body.set("query", query);
    fetch(endpoint, {
      method: "POST",
      headers: { Accept: graph ? "application/n-triples" : "application/sparql-results+json" },
      body: body,
      signal: controller.signal,
    }).then(function (response) {
      return response.text().then(function (text) { return { response: response, body: text }; });
    }).then(function (answer) {
      var response = answer.response;
      var elapsed = Date.now() - started;
      if (!response.ok) {
        var message = errorMessage(response.status, answer.body);
        if (response.status === 503 && /time limit/i.test(message)) {
          setStatus("Stopped at the time limit.", true);
          showError("The query took too long (HTTP 503)", message);
          return;
        }
        var position = response.status === 400 ? errorPosition(message) : null;
        if (position) {
          errorLine = position.line;
          refresh();
        }
        setStatus("The query failed.", true);
        showError(
          "HTTP " + response.status + (position ? " — line " + position.line + ", column " + position.column : ""),
          message
        );
        return;
      }
      var truncated = response.headers.get("X-PJGJ-Truncated") === "true";
      if (graph) {
        renderGraph(answer.body, truncated, elapsed);
      } else {
        var data = JSON.parse(answer.body);
        renderSelect(data, truncated || data.truncated === true, elapsed);
      }
    }).catch(function (err) {
      if (err && err.name === "AbortError") {
        setStatus("No answer within the time limit.", true);
        showError("The query took too long", "No answer after " + (timeoutSeconds + 5) + " s; the request was abandoned.");
      } else {
        setStatus("The query failed.", true);
        showError("Could not reach the endpoint", String((err && err.message) || err));
      }
    }).then(function () {
      clearTimeout(timer);
      runButton.disabled = false;
      if (running === controller) running = null;
    });
  }

  // ---- wiring ------------------------------------------------------------------------------------

  text.addEventListener("input", function () {
    errorLine = 0;
    // once edited, the text is no longer the chosen example
    var chosen = exampleSelect.options[exampleSelect.selectedIndex];
    if (chosen && chosen.value && chosen.getAttribute("data-query") !== text.value) exampleSelect.value = "";
    refresh();
  });
  text.addEventListener("scroll", syncScroll);
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  function loadExample(id, runIt) {
    var option = null;
    for (var i = 0; i < exampleSelect.options.length; i++) {
      if (exampleSelect.options[i].value === id) option = exampleSelect.options[i];
    }
    if (!option || !option.value) return;
    exampleSelect.value = id;
    text.value = option.getAttribute("data-query");
    errorLine = 0;
    fitHeight();
    refresh();
    if (window.history && history.replaceState) history.replaceState(null, "", "/query?example=" + encodeURIComponent(id));
    if (runIt) run();
  }
  exampleSelect.addEventListener("change", function () { loadExample(exampleSelect.value, false); });

  // A prefix button writes its declaration at the top of the query, once.
  document.querySelectorAll("button.prefix").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.getAttribute("data-prefix");
      var iri = button.getAttribute("data-iri");
      var declared = new RegExp("PREFIX\\s+" + name.replace(/[-.]/g, "\\$&") + ":", "i");
      if (!declared.test(text.value)) {
        text.value = "PREFIX " + name + ": <" + iri + ">\n" + text.value;
        refresh();
      }
      text.focus();
    });
  });

  app.classList.add("enhanced");
  fitHeight();
  refresh();
  if (new URLSearchParams(window.location.search).get("run") === "1") run();

  // exposed for the page's own tests of the tokenizer
  window.pjgjQueryEditor = { highlight: highlight, queryForm: queryForm, parseNTriples: parseNTriples };
})();
