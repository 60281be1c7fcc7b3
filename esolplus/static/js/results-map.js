/* The map of results on /find/: Leaflet (static/leaflet/) draws the page's own results from #results-map-data,
   a JSON block the server writes (templates/components/results_map.html). The list below the map says the same,
   so the page works without this script; the box stays hidden unless the map is drawn. */
(function () {
    "use strict";
    var box = document.getElementById("results-map");
    var source = document.getElementById("results-map-data");
    var L = window.L;
    if (!box || !source || !L) {
        return;
    }
    var data;
    try {
        data = JSON.parse(source.textContent);
    } catch (error) {
        return;
    }
    if (!data || !data.tiles || !data.classes || !data.classes.length) {
        return;
    }
    var text = data.text || {};
    var rtl = document.documentElement.dir === "rtl";

    box.hidden = false;
    var map = L.map(box, { scrollWheelZoom: false, zoomControl: false, attributionControl: false });
    var zoom = L.control
        .zoom({ position: rtl ? "topright" : "topleft", zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut })
        .addTo(map);
    L.control
        .attribution({ position: rtl ? "bottomleft" : "bottomright", prefix: '<a href="https://leafletjs.com">Leaflet</a>' })
        .addTo(map);
    // Tile servers (OpenStreetMap's policy) need to know the site, but never the learner's search: origin only.
    L.tileLayer(data.tiles, {
        attribution: data.attribution,
        maxZoom: 19,
        referrerPolicy: "strict-origin-when-cross-origin"
    }).addTo(map);

    // Leaflet guesses its marker images' folder from leaflet.css, which fails once static files have hashed names.
    var icon = L.icon({
        iconUrl: box.getAttribute("data-icon"),
        iconRetinaUrl: box.getAttribute("data-icon-2x"),
        shadowUrl: box.getAttribute("data-shadow"),
        iconSize: [25, 41],
        iconAnchor: [12, 41],
        popupAnchor: [1, -34],
        shadowSize: [41, 41]
    });

    function popupContent(item) {
        var content = document.createElement("div");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        link.className = "results-map__link";
        var place = document.createElement("p");
        place.textContent = item.place;
        place.className = "results-map__place";
        // The provider's own words, untranslated: read in their language, in their direction (as in the list).
        [link, place].forEach(function (element) {
            if (data.providerLanguage) {
                element.lang = data.providerLanguage;
            }
            element.dir = "auto";
        });
        content.appendChild(link);
        content.appendChild(place);
        return content;
    }

    // A popup opened from a marker takes the focus to its link, and Escape or its close button gives the focus
    // back to the marker, so keyboard users never lose their place in the map.
    function keepFocus(marker) {
        marker.on("popupopen", function (event) {
            var element = event.popup.getElement();
            var close = element.querySelector(".leaflet-popup-close-button");
            if (close && text.close) {
                close.setAttribute("aria-label", text.close);
                close.setAttribute("title", text.close);
            }
            var link = element.querySelector(".results-map__link");
            if (link) {
                link.focus({ preventScroll: true });
            }
        });
        marker.on("popupclose", function (event) {
            var focused = document.activeElement;
            if (!focused || focused === document.body || event.popup.getElement().contains(focused)) {
                marker.getElement().focus({ preventScroll: true });
            }
        });
    }
    box.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && event.target.closest(".leaflet-popup")) {
            map.closePopup();
        }
    });

    // A popup opens below the zoom buttons, which sit in a top corner: they never cover its link or its close
    // button (WCAG 2.2: a focused link is not hidden, a touch target is not obscured).
    var controlsBottom = zoom.getContainer().getBoundingClientRect().bottom - box.getBoundingClientRect().top;
    var popupOptions = { autoPanPaddingTopLeft: L.point(5, Math.ceil(controlsBottom) + 5) };

    var points = [];
    data.classes.forEach(function (item) {
        var marker = L.marker([item.lat, item.lon], { icon: icon, title: item.title, alt: item.title, riseOnHover: true });
        marker.bindPopup(popupContent(item), popupOptions).addTo(map);
        keepFocus(marker);
        points.push([item.lat, item.lon]);
    });
    if (data.origin) {
        L.circleMarker(data.origin, { radius: 9, className: "results-map__origin" })
            .bindTooltip(text.origin || "")
            .addTo(map);
        points.push(data.origin);
    }
    map.fitBounds(points, { padding: [32, 32], maxZoom: 15 });
})();
