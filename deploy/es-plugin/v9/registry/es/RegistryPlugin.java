package registry.es;

import java.util.Collection;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.rest.RestHandler;

/** The plugin for Elasticsearch 9, whose getRestHandlers takes its services in one record. */
public final class RegistryPlugin extends RegistryAnalysisPlugin implements ActionPlugin {
    @Override
    public Collection<RestHandler> getRestHandlers(RestHandlersServices services, Supplier<DiscoveryNodes> nodes,
            Predicate<NodeFeature> features) {
        return rootHandlers(services.settings());
    }
}
