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
