package registry.es;

import java.util.function.UnaryOperator;

import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;

/** A token filter wrapping one Lucene filter. */
class Filter implements TokenFilterFactory {
    private final String name;
    private final UnaryOperator<TokenStream> wrap;

    Filter(String name, UnaryOperator<TokenStream> wrap) {
        this.name = name;
        this.wrap = wrap;
    }

    /** A filter that changes characters only, so keyword normalizers and query terms may use it too. */
    static Filter normalizing(String name, UnaryOperator<TokenStream> wrap) {
        return new Normalizing(name, wrap);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TokenStream create(TokenStream in) {
        return wrap.apply(in);
    }

    private static final class Normalizing extends Filter implements NormalizingTokenFilterFactory {
        Normalizing(String name, UnaryOperator<TokenStream> wrap) {
            super(name, wrap);
        }
    }
}
