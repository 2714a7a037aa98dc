package registry.es;

import java.util.Set;

import org.elasticsearch.common.settings.Settings;

/** Checks on a component's settings, so that an option this plugin does not implement fails loudly. */
final class Options {
    private Options() {}

    static void only(Settings settings, String... known) {
        Set<String> allowed = Set.of(known);
        for (String key : settings.keySet()) {
            // Elasticsearch adds the component's type and the index's creation version itself.
            if (!key.equals("type") && !key.equals("index.version.created") && !allowed.contains(key)) {
                throw new IllegalArgumentException("the option [" + key + "] is not supported here");
            }
        }
    }
}
