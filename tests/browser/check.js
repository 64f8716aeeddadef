// Injected first into <head> of a copy of the page by tests/browser.rs. Records console
// errors and uncaught errors (scripts and failed resources) from the start, and on `load`
// writes what the test checks as JSON into a <pre> with the id parbench-check.
(function () {
  "use strict";
  var errors = [];
  var originalError = console.error;
  console.error = function () {
    errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    return originalError.apply(console, arguments);
  };
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      errors.push("failed to load " + (target.src || target.href));
    } else {
      errors.push("uncaught: " + event.message);
    }
  }, true);
  window.addEventListener("unhandledrejection", function (event) {
    errors.push("unhandled rejection: " + event.reason);
  });

  function box(element) {
    var rect = element.getBoundingClientRect();
    return {
      top: rect.top + window.scrollY,
      bottom: rect.bottom + window.scrollY,
      width: rect.width,
      height: rect.height
    };
  }

  function find(selector) {
    var element = document.querySelector(selector);
    return element ? box(element) : null;
  }

  // Whether `node` is hidden inside a closed <details> (its summary line stays visible).
  function folded(node) {
    for (var e = node.parentElement; e; e = e.parentElement) {
      if (e.tagName === "DETAILS" && !e.open) {
        var summary = e.querySelector(":scope > summary");
        if (!summary || !summary.contains(node)) return true;
      }
    }
    return false;
  }

  function words(text) {
    var m = text.match(/\S+/g);
    return m ? m.length : 0;
  }

  // The words a reader sees below `root`: text nodes outside closed <details>, <script>,
  // <style> and the check's own output.
  function visibleWords(root) {
    var count = 0;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      var parent = n.parentElement;
      if (!parent || parent.closest("script,style,#parbench-check")) continue;
      if (folded(n)) continue;
      count += words(n.nodeValue);
    }
    return count;
  }

  // Each section's lead: its heading's words, and the visible words after the heading and
  // before its first chart or table (visible ones only).
  function leads() {
    return Array.prototype.map.call(document.querySelectorAll("main section[id]"), function (section) {
      var heading = section.querySelector("h2");
      var stop = Array.prototype.filter.call(section.querySelectorAll("figure, svg, table"), function (e) {
        return !folded(e);
      })[0] || null;
      var before = 0;
      var walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
      for (var n = walker.nextNode(); n; n = walker.nextNode()) {
        if (stop && (stop.contains(n) || (stop.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING))) break;
        if ((heading && heading.contains(n)) || folded(n)) continue;
        before += words(n.nodeValue);
      }
      return {
        id: section.id,
        heading: heading ? heading.textContent.trim() : null,
        headingWords: heading ? words(heading.textContent) : 0,
        wordsBeforeChart: before,
        hasChartOrTable: stop !== null
      };
    });
  }

  // A link into folded detail: follow one to the first id inside a closed <details> and
  // report whether every <details> around it opened.
  function followLinkIntoDetails() {
    var target = Array.prototype.filter.call(document.querySelectorAll("details:not([open]) [id]"), function (e) {
      return e.tagName !== "SUMMARY";
    })[0];
    if (!target) return null;
    location.hash = "#" + target.id;
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    var closed = 0;
    for (var e = target.parentElement; e; e = e.parentElement) {
      if (e.tagName === "DETAILS" && !e.open) closed += 1;
    }
    return { id: target.id, stillClosed: closed };
  }

  // Printing: fire `beforeprint` and count the <details> still closed.
  // (They are closed again afterwards, for the next check.)
  function printOpens() {
    var closedBefore = Array.prototype.slice.call(document.querySelectorAll("details:not([open])"));
    window.dispatchEvent(new Event("beforeprint"));
    var after = document.querySelectorAll("details:not([open])").length;
    closedBefore.forEach(function (d) { d.open = false; });
    return { closedBefore: closedBefore.length, closedAfter: after };
  }

  window.addEventListener("load", function () {
    // First as a reader meets the page: every <details> closed.
    var closed = {
      height: document.documentElement.scrollHeight,
      words: visibleWords(document.body),
      leads: leads(),
      verdictMatrix: find("#verdict-matrix"),
      compareMatrix: find("#compare-matrix"),
      changes: find("#changes"),
      takeaways: find("#takeaways")
    };
    var print = printOpens();
    var link = followLinkIntoDetails();
    // Then with every <details> open, for the rest of the checks (a chart in folded detail
    // has a size only once shown).
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
    var result = {
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      verdictMatrix: closed.verdictMatrix,
      compareMatrix: closed.compareMatrix,
      changes: closed.changes,
      takeaways: closed.takeaways,
      closed: closed,
      open: { height: document.documentElement.scrollHeight, words: visibleWords(document.body) },
      print: print,
      link: link,
      svgs: Array.prototype.map.call(document.querySelectorAll("svg"), function (svg, i) {
        var b = box(svg);
        return { index: i, id: svg.id || (svg.parentElement && svg.parentElement.id) || "", width: b.width, height: b.height };
      }),
      links: Array.prototype.map.call(document.querySelectorAll('a[href^="#"]'), function (a) {
        var href = a.getAttribute("href");
        var id = decodeURIComponent(href.slice(1));
        return { href: href, resolves: id === "" || document.getElementById(id) !== null };
      }),
      errors: errors
    };
    var pre = document.createElement("pre");
    pre.id = "parbench-check";
    // Characters the DOM dump would write as entities travel as JSON escapes instead.
    pre.textContent = JSON.stringify(result).replace(/[<>&\u00a0]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
    document.body.appendChild(pre);
  });
})();
