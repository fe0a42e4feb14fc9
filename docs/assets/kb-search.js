/* Offline search for the knowledge base: works from file:// with no network.
 *
 * The index is built at build time (tools/kb/sitesearch.py) into search/docs.js and small shards
 * search/t/<first two letters>.js, loaded with script tags (fetch() is blocked from file://).
 * Entry text is only ever inserted with textContent, never as HTML.
 */
(function () {
  "use strict";
  var KB = (window.KB_SEARCH = window.KB_SEARCH || {});
  var shards = {};
  var shardPromises = {};
  var FACETS = [["theme", 3, "Any theme"], ["country", 4, "Any country"], ["type", 2, "Any type"],
                ["form", 5, "Any form of assistance"]];
  var ENDINGS = ["ational", "ations", "ation", "ings", "ing", "ions", "ion", "ies", "ied", "es", "ed", "s"];
  var PAGE = 50;

  KB.shard = function (pair) { shards[pair[0]] = pair[1]; };

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  /* The same folding and words as tools/kb/textnorm.py, with its tables from docs.js. */
  function fold(text) {
    var extra = (KB.meta && KB.meta.fold) || {};
    var lowered = Array.from(text.toLowerCase()).map(function (c) { return extra[c] || c; }).join("");
    return lowered.normalize("NFKD").replace(/\p{M}/gu, "");
  }

  var WORD = /\d+(?:[.,]\d+)*|[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;

  function words(text) {
    var meta = KB.meta;
    return (fold(text).match(WORD) || [])
      .map(function (w) {
        if (w.indexOf("'") >= 0) w = /'s$/.test(w) ? w.slice(0, -2) : w.replace(/'/g, "");
        return meta.spelling[w] || w;
      })
      .filter(function (w) { return meta.stopwords.indexOf(w) < 0; });
  }

  function root(word) {
    for (var i = 0; i < ENDINGS.length; i++) {
      var e = ENDINGS[i];
      if (word.length - e.length >= 4 && word.slice(-e.length) === e) return word.slice(0, -e.length);
    }
    return word;
  }

  function shardName(term) {
    var p = term.slice(0, 2);
    if (/^[a-z0-9]{1,2}$/.test(p)) return p;
    return "u" + Array.from(p).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }

  function loadShard(root, name) {
    if (KB.meta.shards.indexOf(name) < 0) return Promise.resolve({});
    if (!shardPromises[name]) {
      shardPromises[name] = loadScript(root + "search/t/" + name + ".js").then(function () { return shards[name] || {}; });
    }
    return shardPromises[name];
  }

  /* Documents matching one query word: exact term, or terms starting with its root. */
  function matchWord(word, shard, n) {
    var stem = root(word);
    var scores = {};
    Object.keys(shard).forEach(function (term) {
      var exact = term === word;
      if (!exact && !(stem.length >= 3 && term.lastIndexOf(stem, 0) === 0)) return;
      var postings = shard[term];
      var idf = Math.log(1 + n / (postings.length / 2));
      var boost = exact ? 1 : 0.8;
      for (var i = 0; i < postings.length; i += 2) {
        var s = postings[i + 1] * idf * boost;
        if (!scores[postings[i]] || scores[postings[i]] < s) scores[postings[i]] = s;
      }
    });
    return scores;
  }

  function passesFilters(doc, filters) {
    return FACETS.every(function (f) {
      var want = filters[f[0]];
      if (!want) return true;
      var have = doc[f[1]];
      return Array.isArray(have) ? have.indexOf(want) >= 0 : have === want;
    });
  }

  KB.run = function (root, query, filters) {
    var meta = KB.meta;
    var qwords = words(query);
    var uniq = qwords.filter(function (w, i) { return qwords.indexOf(w) === i; });
    var needed = uniq.map(function (w) { return shardName(w); });
    return Promise.all(needed.map(function (name) { return loadShard(root, name); })).then(function (loaded) {
      var total = {}, hits = {};
      var n = meta.docs.length;
      uniq.forEach(function (w, i) {
        var scores = matchWord(w, loaded[i], n);
        Object.keys(scores).forEach(function (d) {
          total[d] = (total[d] || 0) + scores[d];
          hits[d] = (hits[d] || 0) + 1;
        });
      });
      var ids, partial = false;
      if (!uniq.length) {
        ids = meta.docs.map(function (_, i) { return i; });
      } else {
        ids = Object.keys(total).filter(function (d) { return hits[d] === uniq.length; }).map(Number);
        if (!ids.length) { ids = Object.keys(total).map(Number); partial = ids.length > 0; }
      }
      ids = ids.filter(function (d) { return passesFilters(meta.docs[d], filters); });
      if (uniq.length) {
        ids.sort(function (a, b) { return (hits[b] - hits[a]) || (total[b] - total[a]) || (a - b); });
      } else {
        ids.sort(function (a, b) { return meta.docs[a][1].localeCompare(meta.docs[b][1]); });
      }
      return { ids: ids, words: uniq, partial: partial };
    });
  };

  /* ---- the page ---------------------------------------------------------------------------- */

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function highlight(parent, text, qwords) {
    var stems = qwords.map(root).filter(function (s) { return s.length >= 3; });
    var parts = text.split(/([\p{L}\p{N}]+)/u);
    parts.forEach(function (part) {
      var f = fold(part);
      var hit = stems.some(function (s) { return f.lastIndexOf(s, 0) === 0; }) || qwords.indexOf(f) >= 0;
      parent.appendChild(hit ? el("mark", null, part) : document.createTextNode(part));
    });
  }

  function facetCounts(ids, index) {
    var counts = {};
    ids.forEach(function (d) {
      var v = KB.meta.docs[d][index];
      (Array.isArray(v) ? v : [v]).forEach(function (k) { counts[k] = (counts[k] || 0) + 1; });
    });
    return counts;
  }

  function renderFilters(box, ids, filters, onChange) {
    box.textContent = "";
    FACETS.forEach(function (f) {
      var labels = KB.meta.facets[f[0]] || {};
      var counts = facetCounts(ids, f[1]);
      var select = el("select");
      select.name = f[0];
      select.setAttribute("aria-label", f[2]);
      select.appendChild(new Option(f[2], ""));
      Object.keys(labels).forEach(function (key) {
        if (!counts[key] && filters[f[0]] !== key) return;
        var opt = new Option(labels[key] + " (" + (counts[key] || 0) + ")", key);
        if (filters[f[0]] === key) opt.selected = true;
        select.appendChild(opt);
      });
      select.addEventListener("change", function () { filters[f[0]] = select.value; onChange(); });
      box.appendChild(select);
    });
  }

  function renderResults(list, status, result, root, shown) {
    var meta = KB.meta;
    list.textContent = "";
    var ids = result.ids;
    if (!ids.length) {
      status.textContent = "No entry matches. Try fewer or other words, or remove a filter.";
      return;
    }
    var message = ids.length + (ids.length === 1 ? " entry" : " entries");
    if (result.partial) message += " match some of your words (none matches all of them)";
    status.textContent = message + ".";
    ids.slice(0, shown).forEach(function (d) {
      var doc = meta.docs[d];
      var li = el("li", "kb-result");
      var a = el("a", "kb-result-title", doc[1]);
      a.href = root + "entries/" + doc[0] + ".html";
      li.appendChild(a);
      var years = doc[7] === doc[8] ? String(doc[7]) : doc[7] + "–" + doc[8];
      li.appendChild(el("span", "kb-muted", " " + (meta.facets.type[doc[2]] || doc[2]) + " · " + years));
      var p = el("p", "kb-snippet");
      highlight(p, doc[6], result.words);
      li.appendChild(p);
      list.appendChild(li);
    });
    if (ids.length > shown) {
      var more = el("button", "kb-more", "Show more results");
      more.type = "button";
      more.addEventListener("click", function () { renderResults(list, status, result, root, shown + PAGE); });
      var li2 = el("li", "kb-more-item");
      li2.appendChild(more);
      list.appendChild(li2);
    }
  }

  function start() {
    var box = document.getElementById("kb-search");
    if (!box) return;
    var root = box.getAttribute("data-root") || "./";
    var form = document.getElementById("kb-search-form");
    var input = document.getElementById("kb-q");
    var status = document.getElementById("kb-status");
    var list = document.getElementById("kb-results");
    var filterBox = document.getElementById("kb-filters");
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FACETS.forEach(function (f) { filters[f[0]] = params.get(f[0]) || ""; });
    input.value = params.get("q") || "";
    status.textContent = "Loading the search index…";
    var seq = 0;

    function update() {
      var mine = ++seq;
      var query = input.value;
      var any = query.trim() || FACETS.some(function (f) { return filters[f[0]]; });
      if (!any) {
        list.textContent = "";
        status.textContent = "Type a few words, or choose a filter.";
        renderFilters(filterBox, KB.meta.docs.map(function (_, i) { return i; }), filters, update);
        return;
      }
      KB.run(root, query, filters).then(function (result) {
        if (mine !== seq) return;
        renderResults(list, status, result, root, PAGE);
        renderFilters(filterBox, result.ids, filters, update);
        try {
          var p = new URLSearchParams();
          if (query.trim()) p.set("q", query.trim());
          FACETS.forEach(function (f) { if (filters[f[0]]) p.set(f[0], filters[f[0]]); });
          history.replaceState(null, "", "?" + p.toString());
        } catch (e) { /* some browsers refuse history changes on file:// pages */ }
      }, function (err) { status.textContent = "Search could not load its index: " + err.message; });
    }

    // search.html loads docs.js with a script tag of its own, so the index arrives with the page
    var ready = KB.meta ? Promise.resolve() : loadScript(root + "search/docs.js");
    ready.then(function () {
      form.addEventListener("submit", function (ev) { ev.preventDefault(); update(); });
      var timer, last = 0;
      input.addEventListener("input", function () {
        // the first keystroke after a pause searches at once; fast typing is debounced
        clearTimeout(timer);
        var now = Date.now();
        if (now - last > 300) update(); else timer = setTimeout(update, 60);
        last = now;
      });
      update();
    }, function (err) { status.textContent = "Search could not load its index: " + err.message; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
