import { Controller, Get, Inject } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG, productVersion, type ForgeConfig } from '@pi-forge/runtime';
import { Public } from '../common/public.decorator.js';
import { bannerText, colorScheme } from './branding.js';
import { LogoCache } from './logo-cache.js';

type ThemeKey =
  | 'appBackground'
  | 'panelBackground'
  | 'userBubbleBackground'
  | 'assistantBubbleBackground'
  | 'primaryText'
  | 'secondaryText'
  | 'mutedText'
  | 'highlightBackground'
  | 'highlightText'
  | 'selectionBackground';
const THEME_DEFAULTS: Record<ThemeKey, string> = {
  appBackground: '#0a0a0a',
  panelBackground: '#141414',
  userBubbleBackground: '#1f2937',
  assistantBubbleBackground: '#111827',
  primaryText: '#e5e7eb',
  secondaryText: '#d1d5db',
  mutedText: '#9ca3af',
  highlightBackground: '#2563eb',
  highlightText: '#ffffff',
  selectionBackground: '#1e3a8a',
};

@Controller('ui-config')
export class UiConfigController {
  private readonly version = productVersion();
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    private readonly logos: LogoCache,
  ) {}

  /** What the browser needs before login: feature flags, version, branding (docs/compatibility.md#health-and-ui-config). */
  @Public()
  @Get()
  async get() {
    const c = this.config;
    // Orchestration (contract §1.12) does not exist in this release, so the UI must not offer it.
    const orchestrationEnabled = false;
    // Cache mode: same-origin paths of the logos that were fetched; direct mode: the configured URLs.
    const logos = c.LOGO_URL_MODE === 'cache' ? await this.logos.paths() : this.logos.configured();
    const scheme = colorScheme(c);
    const banner = bannerText(c);
    return {
      minimal: c.MINIMAL_UI,
      workspaceRoot: c.WORKSPACE_PATH,
      version: this.version,
      passwordAuthEnabled: !!c.UI_PASSWORD || existsSync(join(c.FORGE_DATA_DIR, 'password-hash')),
      ldapEnabled: c.LDAP_ENABLED,
      orchestrationEnabled,
      serverTheme: { enabled: false, colors: { ...THEME_DEFAULTS }, defaults: { ...THEME_DEFAULTS } },
      authBannerHtml: c.AUTH_BANNER_HTML,
      logoUrlMode: c.LOGO_URL_MODE,
      ...(banner ? { authBannerText: banner } : {}),
      ...(logos.auth ? { authLogoUrl: logos.auth } : {}),
      ...(logos.appDark ? { appLogoDarkUrl: logos.appDark } : {}),
      ...(logos.appLight ? { appLogoLightUrl: logos.appLight } : {}),
      ...(scheme ? { authColorScheme: scheme } : {}),
    };
  }
}
