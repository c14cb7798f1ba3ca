package dev.breakglass.grant;

import dev.breakglass.grant.GrantState.Action;
import dev.breakglass.grant.GrantState.Move;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.breakglass.grant.GrantState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The state table: where each use case's step applies, where asking again is a harmless repeat (no-op), and where it
 * is illegal. Written out in full here, independently of {@link GrantState}, so one wrong cell fails with its row.
 */
class GrantStateTest {
    private static final Set<GrantState> ALL = EnumSet.allOf(GrantState.class);

    private record Row(Set<GrantState> applies, Set<GrantState> repeats) {
    }

    private static Set<GrantState> allBut(GrantState... states) {
        Set<GrantState> rest = EnumSet.allOf(GrantState.class);
        rest.removeAll(Set.of(states));
        return rest;
    }

    @Test
    void everyActionInEveryState() {
        Map<Action, Row> table = new EnumMap<>(Action.class);
        // Decisions on a request: once it left PENDING, a click or a timer changes nothing.
        table.put(Action.APPROVE, new Row(EnumSet.of(PENDING), allBut(PENDING)));
        table.put(Action.DENY, new Row(EnumSet.of(PENDING), allBut(PENDING)));
        table.put(Action.CANCEL, new Row(EnumSet.of(PENDING), allBut(PENDING)));
        table.put(Action.TIME_OUT, new Row(EnumSet.of(PENDING), allBut(PENDING)));
        table.put(Action.OFFER_EMERGENCY, new Row(EnumSet.of(PENDING), allBut(PENDING)));
        table.put(Action.BREAK_GLASS, new Row(EnumSet.of(PENDING), allBut(PENDING)));
        table.put(Action.PROVISION, new Row(EnumSet.of(APPROVED), allBut(APPROVED)));
        table.put(Action.WARN, new Row(EnumSet.of(ACTIVE), allBut(ACTIVE)));
        // Asking for something new on access that is not active is refused, never a repeat.
        table.put(Action.REQUEST_EXTENSION, new Row(EnumSet.of(ACTIVE), Set.of()));
        table.put(Action.REVEAL, new Row(EnumSet.of(ACTIVE), Set.of()));
        table.put(Action.DECIDE_EXTENSION, new Row(EnumSet.of(ACTIVE), allBut(ACTIVE)));
        table.put(Action.REVOKE, new Row(EnumSet.of(ACTIVE, REVOKE_FAILED), allBut(ACTIVE, REVOKE_FAILED)));
        table.put(Action.END_ACCESS, new Row(EnumSet.of(PROVISIONING, ACTIVE, REVOKE_FAILED),
                allBut(PROVISIONING, ACTIVE, REVOKE_FAILED)));
        table.put(Action.RESOLVE, new Row(EnumSet.of(REVOKE_FAILED), allBut(REVOKE_FAILED)));
        // The review: only once access is confirmed gone; after sign-off a repeat; before, or never given, illegal.
        table.put(Action.WRITE_REVIEW, new Row(EnumSet.of(EXPIRED, REVOKED), EnumSet.of(REVIEWED)));
        table.put(Action.SIGN_OFF, new Row(EnumSet.of(EXPIRED, REVOKED), EnumSet.of(REVIEWED)));
        assertEquals(EnumSet.allOf(Action.class), table.keySet(), "every action has a row");
        for (Map.Entry<Action, Row> row : table.entrySet()) {
            for (GrantState state : ALL) {
                Move expected = row.getValue().applies().contains(state) ? Move.PROCEED
                        : row.getValue().repeats().contains(state) ? Move.NO_OP : Move.ILLEGAL;
                assertEquals(expected, state.on(row.getKey()), row.getKey() + " in " + state);
            }
        }
    }

    @Test
    void theExamplesTheUseCasesAnswer() {
        assertEquals(Move.NO_OP, APPROVED.on(Action.APPROVE), "approving an approved grant is a second click");
        assertEquals(Move.NO_OP, DENIED.on(Action.APPROVE), "a late approval of a denied request changes nothing");
        assertEquals(Move.ILLEGAL, EXPIRED.on(Action.REQUEST_EXTENSION), "ended access cannot be extended");
        assertEquals(Move.ILLEGAL, ACTIVE.on(Action.SIGN_OFF), "no review while access is held");
        assertEquals(Move.NO_OP, REVIEWED.on(Action.SIGN_OFF), "signed off already");
        assertEquals(Move.NO_OP, PROVISIONING.on(Action.REVOKE), "being provisioned: taken back by itself");
    }

    /** Every state an action applies in can move on (or, for a step that keeps the state, is one that holds it). */
    @Test
    void actionsApplyOnlyWhereTheTransitionTableMovesOn() {
        for (Action action : Action.values()) {
            for (GrantState state : ALL) {
                if (state.on(action) == Move.PROCEED) {
                    assertEquals(false, state.isFinal(), action + " applies in final " + state);
                }
            }
        }
    }

    @Test
    void aRepeatedMoveIsANoOpAndAMoveOffTheTableIllegal() {
        assertEquals(Move.NO_OP, ACTIVE.moveTo(ACTIVE));
        assertEquals(Move.PROCEED, PENDING.moveTo(APPROVED));
        assertEquals(Move.ILLEGAL, EXPIRED.moveTo(ACTIVE));
    }
}
