// A line-numbered GIFT box: a gutter beside each textarea[data-line-numbers] shows its line numbers and
// scrolls with it, and an error's « Ligne 10 » link (a[data-gift-line]) puts the cursor on that line.
// Without JavaScript the textarea works as before. Our own file: no CDN, no package.
(function () {
  "use strict";

  function lineCount(text) { return text.split("\n").length; }

  function attach(textarea) {
    var wrapper = document.createElement("div");
    wrapper.className = "gift-editor";
    var gutter = document.createElement("div");
    gutter.className = "gift-editor-gutter font-monospace";
    gutter.setAttribute("aria-hidden", "true");
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(gutter);
    wrapper.appendChild(textarea);
    textarea.setAttribute("wrap", "off");  // one text line per gutter line
    var shown = 0;

    function render() {
      var wanted = Math.max(lineCount(textarea.value), 1);
      if (wanted !== shown) {
        var numbers = [];
        for (var n = 1; n <= wanted; n += 1) { numbers.push(n); }
        gutter.textContent = numbers.join("\n");
        shown = wanted;
      }
      gutter.style.height = textarea.offsetHeight + "px";
      gutter.scrollTop = textarea.scrollTop;
    }

    textarea.addEventListener("input", render);
    textarea.addEventListener("scroll", function () { gutter.scrollTop = textarea.scrollTop; });
    window.addEventListener("resize", render);
    render();
    return textarea;
  }

  function goToLine(textarea, line) {
    var lines = textarea.value.split("\n");
    var start = 0;
    for (var i = 0; i < Math.min(line - 1, lines.length); i += 1) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var lineHeight = parseFloat(window.getComputedStyle(textarea).lineHeight) || 20;
    textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
  }

  var editors = Array.prototype.map.call(document.querySelectorAll("textarea[data-line-numbers]"), attach);
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-gift-line]") : null;
    if (!link || !editors.length) { return; }
    var target = document.getElementById((link.getAttribute("href") || "").slice(1)) || editors[0];
    event.preventDefault();
    goToLine(target, parseInt(link.dataset.giftLine, 10) || 1);
  });
}());
