package dev.paygate.acquirer;

import reactor.core.publisher.Mono;

/**
 * Port, used at the edge (the gateway): exchanges a card for a token the acquirer accepts, so the card
 * number and CVC never travel further, never reach a log, a table or a topic.
 */
public interface CardTokenizer {

    Mono<CardToken> tokenize(CardInput card);
}
