/* The archive's search box (_search.html): searches the index of each year (pagefind/2018/, ...:
   see bulletin/render/search.py for why one a year) with Pagefind's own search library.
   Shipped with the theme and copied to output/ by the archive stage (render/site.py); a file
   templates/search.js in the workspace replaces it. */
(function () {
  "use strict";
  var SHOWN = 5;  /* results shown at a time */
  var box = document.getElementById("search");
  if (!box) return;
  /* the messages, in the page's language: the data-* attributes of the box (_search.html) */
  var WORDS = {
    offline: box.dataset.offline, busy: box.dataset.busy, failed: box.dataset.failed,
    found: box.dataset.found, found_one: box.dataset.foundOne, none: box.dataset.none
  };
  var input = box.querySelector("input"), message = box.querySelector(".search-message");
  var list = box.querySelector(".search-results"), more = box.querySelector(".search-more");
  var years = box.dataset.years.split(" ").filter(Boolean);
  var lang = document.documentElement.lang;
  /* Pagefind loads its index with fetch(), which browsers refuse for file:// pages. */
  if (location.protocol === "file:") { message.textContent = WORDS.offline; return; }
  if (!years.length) return;
  input.hidden = false;

  var base = new URL(".", document.baseURI);
  function bundle(year) { return new URL("pagefind/" + year + "/", base).pathname; }
  var loading = null, searched = years;
  function load() {
    /* The newest year's index, with the others merged into it: one library, one WebAssembly module.
       A year whose index is not there (Pagefind failed in the last build) is left out: Pagefind
       would wait for it forever, or fail every search. */
    if (!loading) {
      loading = Promise.all(years.map(function (year) {
        return fetch(bundle(year) + "pagefind-entry.json", { cache: "no-cache" })
          .then(function (r) { return r.ok; }, function () { return false; });
      })).then(async function (there) {
        searched = years.filter(function (year, i) { return there[i]; });
        if (!searched.length) throw new Error("no search index");
        var pagefind = await import(bundle(searched[0]) + "pagefind.js");
        await pagefind.options({ basePath: bundle(searched[0]), baseUrl: base.pathname });
        await Promise.all(searched.slice(1).map(function (year) {
          return pagefind.mergeIndex(bundle(year), { baseUrl: base.pathname });
        }));
        await pagefind.filters();  /* loaded, so that each search counts its results by year */
        return pagefind;
      });
      loading.catch(function () { loading = null; });  /* try again at the next search */
    }
    return loading;
  }
  /* The words Pagefind looks up: it splits Chinese, Japanese and Thai with the browser's segmenter. */
  function wordsOf(query) {
    if (/^\s*".+"\s*$/.test(query)) return [];  /* an exact phrase: all of it is found, or nothing */
    if (typeof Intl !== "undefined" && Intl.Segmenter && /^(zh|ja|th)\b/i.test(lang)) {
      return Array.from(new Intl.Segmenter(lang, { granularity: "word" }).segment(query))
        .filter(function (s) { return s.isWordLike; }).map(function (s) { return s.segment; });
    }
    return query.split(/\s+/).filter(Boolean);
  }
  /* Pagefind leaves out a word its index has never seen.  In one index over all years that is a word
     no edition has; but a year's index lacking a word must not match on the query's other words alone.
     So each word is counted by year (each page carries a year filter), and only the years that have
     every word some year has are searched. */
  async function yearsWithAll(pagefind, terms) {
    var counts = await Promise.all(terms.map(function (t) {
      return pagefind.search(t).then(function (r) { return (r.filters && r.filters.year) || {}; });
    }));
    return searched.filter(function (year) {
      return counts.every(function (c) {
        return c[year] > 0 || !Object.keys(c).some(function (y) { return c[y] > 0; });
      });
    });
  }

  var asked = 0, results = [], shown = 0;
  async function search(query) {
    var ticket = ++asked;
    var busy = setTimeout(function () { if (ticket === asked) message.textContent = WORDS.busy; }, 400);
    try {
      var pagefind = await load();
      var terms = wordsOf(query), within = searched;
      if (terms.length > 1) within = await yearsWithAll(pagefind, terms);
      var found = !within.length ? { results: [] }
        : await pagefind.search(query, within.length < searched.length ? { filters: { year: { any: within } } } : {});
      if (ticket !== asked) return;
      results = found.results;  /* merged by score across the years' indexes */
      shown = 0;
      list.textContent = "";
      await showMore(ticket);
      if (ticket !== asked) return;
      /* said once the results are on the page */
      message.textContent = !results.length ? WORDS.none.replace("{query}", query)
        : results.length === 1 ? WORDS.found_one : WORDS.found.replace("{n}", results.length);
    } catch (e) {
      if (ticket === asked) { list.textContent = ""; more.hidden = true; message.textContent = WORDS.failed; }
    } finally {
      clearTimeout(busy);
    }
  }
  async function showMore(ticket) {
    var batch = results.slice(shown, shown + SHOWN);
    var data = await Promise.all(batch.map(function (r) { return r.data(); }));
    if (ticket !== asked) return;
    data.forEach(function (d) { list.appendChild(item(d)); });
    shown += batch.length;
    more.hidden = shown >= results.length;
  }
  function item(d) {
    var li = make("li", "search-result");
    link(li.appendChild(make("p", "search-title")), d.url, (d.meta && d.meta.title) || d.url);
    li.appendChild(excerpt(d.excerpt));
    /* the articles of the edition that match best, as links to their headings */
    var subs = (d.sub_results || []).filter(function (s) { return s.url !== d.url && s.url.indexOf("#") > 0; })
      .sort(function (a, b) { return b.locations.length - a.locations.length; }).slice(0, 3);
    if (subs.length) {
      var ul = li.appendChild(make("ul", "search-sub"));
      subs.forEach(function (s) {
        var sub = ul.appendChild(make("li"));
        link(sub.appendChild(make("p", "search-title")), s.url, s.title);
        sub.appendChild(excerpt(s.excerpt));
      });
    }
    return li;
  }
  function make(tag, cls) { var e = document.createElement(tag); if (cls) e.className = cls; return e; }
  function link(parent, href, text) { var a = parent.appendChild(make("a", "search-link")); a.href = href; a.textContent = text; }
  function excerpt(html) {  /* Pagefind's excerpt: the page's text with < and > escaped, the words found in <mark> */
    var p = make("p", "search-excerpt"); p.innerHTML = html; return p;
  }

  var typing = null;
  input.addEventListener("input", function () {
    clearTimeout(typing);
    var query = input.value.trim();
    if (!query) { ++asked; results = []; list.textContent = ""; message.textContent = ""; more.hidden = true; return; }
    typing = setTimeout(function () { search(query); }, 250);
  });
  input.addEventListener("focus", load, { once: true });  /* fetch the library while the reader types */
  more.addEventListener("click", function () { showMore(asked); });
})();
