import { createUniqueId } from "solid-js";
import { t } from "../../i18n";
import { setTheme, theme, type Theme } from "../../lib/theme/theme";

/** Light, dark, or as the desktop is set: beside the language, where members look. */
export function ThemePicker() {
  const id = createUniqueId();
  return (
    <div class="field">
      <label for={`${id}-theme`}>{t("settings.theme_label")}</label>
      <select
        id={`${id}-theme`}
        data-testid="theme"
        value={theme()}
        onChange={(e) => setTheme(e.currentTarget.value as Theme)}
      >
        <option value="system">{t("settings.theme_system")}</option>
        <option value="light">{t("settings.theme_light")}</option>
        <option value="dark">{t("settings.theme_dark")}</option>
      </select>
    </div>
  );
}
