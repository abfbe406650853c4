// Development default; the production container serves its own /config.js, written from API_URL.
window.__APP_CONFIG__ = Object.freeze({ apiUrl: "/api" });
