/* Finder enhancements: "Use my location" fills the hidden lat/lon fields. The page works without it. */
(function () {
    "use strict";
    var button = document.querySelector("[data-finder-locate]");
    if (!button || !("geolocation" in navigator)) {
        return;
    }
    var form = button.closest("form");
    var status = form.querySelector("[data-finder-locate-status]");
    button.parentElement.hidden = false;
    button.addEventListener("click", function () {
        status.textContent = button.getAttribute("data-finding") || "…";
        navigator.geolocation.getCurrentPosition(
            function (position) {
                form.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(5);
                form.querySelector("input[name=lon]").value = position.coords.longitude.toFixed(5);
                form.querySelector("input[name=where]").value = "";
                form.submit();
            },
            function () {
                status.textContent = button.getAttribute("data-failed") || "";
            },
            { timeout: 10000, maximumAge: 600000 }
        );
    });
})();

/* Optional map of the results: only when the site configures a tile source and Leaflet (see docs). */
(function () {
    "use strict";
    var box = document.getElementById("finder-map");
    if (!box || !box.dataset.tiles || !box.dataset.leafletJs) {
        return;
    }
    function draw() {
        var L = window.L;
        var cards = document.querySelectorAll(".result-card[data-lat]");
        var points = [];
        box.hidden = false;
        var map = L.map(box, { scrollWheelZoom: false });
        L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
        cards.forEach(function (card) {
            var lat = parseFloat(card.dataset.lat);
            var lon = parseFloat(card.dataset.lon);
            if (isNaN(lat) || isNaN(lon)) {
                return;
            }
            var link = card.querySelector(".result-card__title a");
            var marker = L.marker([lat, lon], { title: link ? link.textContent : "" }).addTo(map);
            if (link) {
                var anchor = document.createElement("a");
                anchor.href = link.href;
                anchor.textContent = link.textContent;
                marker.bindPopup(anchor);
            }
            points.push([lat, lon]);
        });
        if (points.length) {
            map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
        } else {
            box.hidden = true;
        }
    }
    if (box.dataset.leafletCss) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = box.dataset.leafletCss;
        document.head.appendChild(css);
    }
    var script = document.createElement("script");
    script.src = box.dataset.leafletJs;
    script.onload = draw;
    document.head.appendChild(script);
})();
