package io.agentworkspace.run;

import org.springframework.stereotype.Component;

/**
 * What tokens cost, from the per-model price table ({@code agent.runs.prices.<model>}: dollars per million input
 * and output tokens). A model without a price costs nothing here unless its provider reports a cost itself
 * (Claude Code does), so name your models' prices when budgets matter.
 */
@Component
class RunPrices {

    private final RunSettings settings;

    RunPrices(RunSettings settings) {
        this.settings = settings;
    }

    double cost(String model, long inputTokens, long outputTokens) {
        RunSettings.Price price = settings.prices().get(model);
        if (price == null) {
            return 0;
        }
        return (inputTokens * price.inputPerMillion() + outputTokens * price.outputPerMillion()) / 1_000_000d;
    }
}
