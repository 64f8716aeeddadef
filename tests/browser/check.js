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

  window.addEventListener("load", function () {
    var result = {
      innerWidth: window.innerWidth,
      innerHeight: window.innerHeight,
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      verdictMatrix: find("#verdict-matrix"),
      compareMatrix: find("#compare-matrix"),
      changes: find("#changes"),
      takeaways: find("#takeaways"),
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
