import { createApp } from 'vue';
import { createPinia } from 'pinia';
import './styles.css';
import App from './App.vue';
import { configureHttp } from './services/http';
import { useAuthStore } from './stores/auth';
import { applyTheme, useUiStore } from './stores/ui';

const app = createApp(App);
app.use(createPinia());
const auth = useAuthStore();
configureHttp({ getToken: () => auth.token, onUnauthorized: () => auth.onUnauthorized() });
applyTheme(useUiStore().theme);
app.mount('#app');

// The service worker makes the app installable and shows an offline page; it never caches the API.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js').catch(() => {}));
}
