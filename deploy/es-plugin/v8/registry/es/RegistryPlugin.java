package registry.es;

import java.util.Collection;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;

/** The plugin for Elasticsearch 8, whose getRestHandlers takes its services one by one. */
public final class RegistryPlugin extends RegistryAnalysisPlugin implements ActionPlugin {
    @Override
    public Collection<RestHandler> getRestHandlers(Settings settings, NamedWriteableRegistry writeables,
            RestController controller, ClusterSettings clusterSettings, IndexScopedSettings indexSettings,
            SettingsFilter filter, IndexNameExpressionResolver resolver, Supplier<DiscoveryNodes> nodes,
            Predicate<NodeFeature> features) {
        return rootHandlers(settings);
    }
}
