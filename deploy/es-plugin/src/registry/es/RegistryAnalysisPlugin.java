package registry.es;

import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.lucene.analysis.miscellaneous.DisableGraphAttribute;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestHandler;

/**
 * The analysis components of Elasticsearch's analysis-common module that the registry's mappings use
 * (search/mappings), registered under their usual names and built from the Lucene classes the
 * distribution ships. The minimal distribution lacks that module; the full one has it.
 *
 * The REST part (GET / and HEAD /) is added by a subclass per major version, because the signature of
 * ActionPlugin.getRestHandlers differs between 8 and 9.
 */
public abstract class RegistryAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of(
            "keyword", (index, env, name, settings) -> TokenizerFactory.newFactory(name, KeywordTokenizer::new),
            "ngram", NGramTokenizerFactory::new
        );
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "lowercase", (index, env, name, settings) -> Filter.normalizing(name, LowerCaseFilter::new),
            "cjk_width", (index, env, name, settings) -> Filter.normalizing(name, CJKWidthFilter::new),
            "cjk_bigram", (index, env, name, settings) -> cjkBigram(name, settings),
            "edge_ngram", (index, env, name, settings) -> edgeNGram(name, settings)
        );
    }

    private static TokenFilterFactory cjkBigram(String name, Settings settings) {
        Options.only(settings, "output_unigrams");
        boolean unigrams = settings.getAsBoolean("output_unigrams", false);
        int scripts = CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA | CJKBigramFilter.KATAKANA | CJKBigramFilter.HANGUL;
        return new Filter(name, in -> {
            TokenStream bigrams = new CJKBigramFilter(in, scripts, unigrams);
            if (unigrams) {
                // Unigrams and bigrams overlap: read as a graph, a phrase of n characters would become
                // some 2^n phrase queries. Elasticsearch's own cjk_bigram marks such streams the same way.
                bigrams.addAttribute(DisableGraphAttribute.class);
            }
            return bigrams;
        });
    }

    private static TokenFilterFactory edgeNGram(String name, Settings settings) {
        Options.only(settings, "min_gram", "max_gram", "preserve_original");
        int min = settings.getAsInt("min_gram", 1);
        int max = settings.getAsInt("max_gram", 2);
        boolean original = settings.getAsBoolean("preserve_original", false);
        return new Filter(name, in -> new EdgeNGramTokenFilter(in, min, max, original));
    }

    /** GET / and HEAD /, which the minimal distribution leaves to its missing rest-root module. */
    protected static List<RestHandler> rootHandlers(Settings nodeSettings) {
        return List.of(new RootHandler(nodeSettings));
    }
}
