package dev.breakglass.bot.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One file per fault in {@code src/test/resources/policy/}: each must be refused with the exact line and field.
 * Every file but the valid ones must appear in the table.
 */
class PolicyBrokenFilesTest {
    private static final Set<String> VALID = Set.of("valid-base.yml", "design-example.yml");

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # file                          | line | field                                    | the problem contains
            syntax-error                    |  9 |                                            | YAML syntax error: mapping values are not allowed here
            tab-indent                      |  9 |                                            | YAML syntax error: found character
            bare-star                       | 11 |                                            | write "*" (quoted) for anyone
            empty                           |  1 |                                            | the file is empty
            top-level-list                  |  2 |                                            | expected a mapping with channels and targets at the top, got a list
            multiple-documents              | 11 |                                            | a second YAML document starts here
            missing-channels                |  2 | channels                                   | missing: where the bot posts
            missing-approvals-channel       |  2 | channels.approvals                         | missing: the id of the channel for request cards
            approvals-channel-commented     |  3 | channels.approvals                         | has no value: the id of the channel for request cards, like C0APPROVALS (in YAML, # after a space starts a comment
            bad-channel-id                  |  3 | channels.approvals                         | "#approvals" is not a channel id
            bad-notify-id                   |  4 | channels.notify[1]                         | "security" is not a channel id
            duplicate-notify                |  4 | channels.notify[1]                         | notify lists C0SECURITY twice
            notify-unknown-event            |  7 | channels.notify[1].events[2]               | "aproved" is not an event; did you mean approved? (known: requested, approved,
            notify-filter-bad-channel       |  6 | channels.notify[1].channel                 | "management" is not a channel id
            notify-filter-unknown-key       |  6 | channels.notify[0].event                   | unknown key; did you mean events?
            channels-list                   |  2 | channels                                   | expected a mapping, like {approvals: …, notify: …}, got a list
            missing-targets                 |  2 | targets                                    | missing: the systems people may ask access to
            empty-targets                   |  5 | targets                                    | has no targets: at least one target is needed
            targets-list                    |  6 | targets                                    | expected a mapping of target names to targets
            target-no-value                 | 11 | targets.billing-db                         | has no value: a target needs at least adapter, max-duration and approvers
            missing-adapter                 |  6 | targets.orders-db.adapter                  | missing: the adapter type
            missing-max-duration            |  6 | targets.orders-db.max-duration             | missing: the longest grant, like 1h
            missing-approvers               |  6 | targets.orders-db.approvers                | missing: who may approve
            unknown-top-key                 | 11 | pending-timout                             | unknown key; did you mean pending-timeout?
            unknown-target-key              |  9 | targets.orders-db.max-duraton              | unknown key; did you mean max-duration?
            camel-case-key                  |  9 | targets.orders-db.maxDuration              | unknown key; did you mean max-duration?
            unknown-key-no-suggestion       |  8 | targets.orders-db.colour                   | unknown key (known here: description, adapter, roles,
            target-key-at-top               | 11 | max-duration                               | max-duration is set per target, under targets.<name>
            target-outside-targets          | 11 | billing-db                                 | if billing-db is a target, put it under targets:
            top-key-in-target               | 10 | targets.orders-db.pending-timeout          | pending-timeout is set once for the whole policy, at the top level
            unknown-emergency-key           | 14 | targets.orders-db.emergency.solo           | unknown key (known here: after, max-duration)
            duplicate-key                   | 11 | targets.orders-db.max-duration             | duplicate key (first at line 9)
            duplicate-target                | 11 | targets.orders-db                          | duplicate key (first at line 6)
            target-case-clash               | 11 | targets.Orders-DB                          | target Orders-DB differs from target orders-db only in upper/lower case
            bad-duration                    |  9 | targets.orders-db.max-duration             | "2x" is not a duration (use a number followed by h, m or s, like 90s, 30m or 1h30m)
            duration-without-unit           |  9 | targets.orders-db.max-duration             | 60 is not a duration: add a unit, like 60m or 60s
            zero-duration                   | 10 | targets.orders-db.min-duration             | "0m" is zero
            duration-list                   |  9 | targets.orders-db.max-duration             | expected a duration, like 30m, got a list
            bad-principal                   | 10 | targets.orders-db.approvers[1]             | "@alice" is a mention, not an id
            lowercase-principal             | 11 | targets.orders-db.requesters[0]            | "s0oncall" is not an id: Slack ids are upper case (S0ONCALL)
            channel-as-approver             | 12 | targets.orders-db.approvers[1]             | "C0SECURITY" is not a user id (U…/W…), user group id (S…) or "*"
            roles-not-list                  |  8 | targets.orders-db.roles                    | expected a list, like [read-only, admin], got the text "admin"
            approvers-not-list              | 10 | targets.orders-db.approvers                | expected a list, like [S0ONCALL, U0ALICE], got the text "S0SRELEADS"
            requesters-no-value             | 11 | targets.orders-db.requesters               | has no value: list who may ask for access, or leave the key out for anyone
            requesters-empty-list           | 11 | targets.orders-db.requesters               | requesters is empty
            default-longer-than-max         | 10 | targets.orders-db.default-duration         | default-duration (2h) is longer than max-duration (1h)
            min-longer-than-max             | 10 | targets.orders-db.min-duration             | min-duration (2h) is longer than max-duration (1h)
            default-below-min               | 11 | targets.orders-db.default-duration         | default-duration (5m) is shorter than min-duration (10m)
            duplicate-role                  |  8 | targets.orders-db.roles[2]                 | roles lists admin twice
            bad-role                        |  8 | targets.orders-db.roles[1]                 | role "read write" may use only letters, digits
            bad-target-name                 |  6 | targets.orders db                          | target name "orders db" may use only letters, digits
            bad-adapter-name                |  7 | targets.orders-db.adapter                  | adapter "Postgres" may use only lower-case letters
            approvals-zero                  | 10 | targets.orders-db.approvals                | approvals must be at least 1, not 0
            approvals-not-number            | 10 | targets.orders-db.approvals                | expected a whole number, like 2, got "two"
            too-few-approvers               | 10 | targets.orders-db.approvals                | approvals (2) is more than the 1 user listed in approvers
            emergency-not-mapping           | 11 | targets.orders-db.emergency                | expected a mapping, like {after: …, max-duration: …}, got the text "10m"
            emergency-missing-after         | 11 | targets.orders-db.emergency.after          | missing: how long a request waits before solo break glass
            emergency-longer-than-max       | 13 | targets.orders-db.emergency.max-duration   | emergency max-duration (2h) is longer than the target's max-duration (1h)
            emergency-after-timeout         | 13 | targets.orders-db.emergency.after          | emergency after (20m) is not shorter than pending-timeout (15m)
            justification-max-below-min     | 11 | justification                              | max-length (5) must be at least min-length (10)
            justification-not-number        | 12 | justification.min-length                   | expected a whole number, like 2, got "ten"
            reveal-limit-zero               | 11 | reveal-limit                               | reveal-limit must be at least 1, not 0
            review-escalate-zero            | 13 | review.escalate-after                      | escalate-after must be at least 1 reminder, not 0
            review-too-frequent             | 12 | review.remind-every                        | remind-every (30s) is shorter than 1m
            review-required-unknown         | 13 | review.required                            | required is "sometimes"; write always (every grant is reviewed) or emergency
            settings-not-mapping            | 11 | targets.orders-db.settings                 | expected a mapping of adapter settings
            settings-duplicate-key          | 14 | targets.orders-db.settings.url             | duplicate key (first at line 12)
            settings-custom-tag             | 12 | targets.orders-db.settings.password        | the YAML tag !vault is not supported in a policy
            settings-recursive              | 11 | targets.orders-db.settings.self            | refers to itself through an alias
            non-text-key                    | 11 | targets.orders-db                          | a key must be plain text, not a list
            bad-merge                       |  7 | targets.orders-db.<<                       | a merge (<<) takes a mapping or a list of mappings, got the number 5
            step-up-bad-rule                | 11 | targets.orders-db.step-up                  | step-up is "always"; write none, requester, approver or both
            step-up-bad-emergency           | 12 | step-up.emergency                          | emergency is "yes-please"; write always
            step-up-bad-admin               | 12 | step-up.admins[0]                          | "C0SECURITY" is not a user id
            step-up-unknown-key             | 12 | step-up.admin                              | unknown key; did you mean admins?
            kinds-list                      | 10 | emergencies                                | expected a mapping of emergency ids to emergencies
            kind-unknown-target             | 15 | emergencies.outage.targets[1]              | "ordres-db" is not a target; did you mean orders-db?
            kind-bad-reference              | 15 | emergencies.outage.reference               | reference "INC-(\\d+" is not a valid regular expression: Unclosed group
            kind-empty-reference            | 15 | emergencies.outage.reference               | reference ".*" matches an empty reference
            kind-link-without-slot          | 16 | emergencies.outage.link                    | link has no {reference}
            kind-link-without-reference     | 15 | emergencies.outage.link                    | link needs a reference pattern
            kind-missing-title              | 15 | emergencies.breach.title                   | missing: what people read, like Production outage
            kind-duplicate-id               | 15 | emergencies.outage                         | duplicate key (first at line 13)
            kind-bad-id                     | 15 | emergencies.Data Loss                      | emergency id "Data Loss" must be a lower-case word
            kind-unknown-key                | 15 | emergencies.outage.refrence                | unknown key; did you mean reference?
            kind-approvals-zero             | 15 | emergencies.outage.approvals               | approvals must be at least 1, not 0
            kind-too-many-approvals         | 15 | emergencies.outage.approvals               | emergency outage approvals (3) is more than the 2 approvers of target orders-db
            kind-max-below-min              | 15 | emergencies.outage.max-duration            | emergency outage max-duration (5m) is shorter than the min-duration of target orders-db (10m)
            kind-bad-notify                 | 15 | emergencies.outage.notify[0]               | "#incidents" is not a channel id
            """)
    @interface BrokenFiles {
    }

    @ParameterizedTest(name = "{0}.yml: line {1}, {2}")
    @BrokenFiles
    void refusedWithLineAndField(String name, int line, String field, String problem) {
        Path file = PolicyLoaderTest.resource(name + ".yml");
        String expectedField = field == null ? "" : field;
        PolicyException e = assertThrows(PolicyException.class, () -> new PolicyLoader().load(file));
        assertEquals(file.toString(), e.file(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(expectedField, e.field(), e.getMessage());
        assertTrue(e.problem().contains(problem), () -> "expected \"" + problem + "\" in: " + e.getMessage());
        String prefix = file + " line " + line + ": " + (expectedField.isEmpty() ? "" : expectedField + ": ");
        assertEquals(prefix + e.problem(), e.getMessage());
    }

    @Test
    void everyBrokenFileIsInTheTable() throws IOException {
        Set<String> table = BrokenFiles.class.getAnnotation(CsvSource.class).textBlock().lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .map(l -> l.substring(0, l.indexOf('|')).strip() + ".yml").collect(Collectors.toSet());
        Set<String> files;
        try (Stream<Path> list = Files.list(PolicyLoaderTest.resource("valid-base.yml").getParent())) {
            files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yml"))
                    .filter(n -> !VALID.contains(n)).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(files), new TreeSet<>(table));
    }

    @Test
    void validFilesLoad() {
        for (String name : VALID) {
            new PolicyLoader().load(PolicyLoaderTest.resource(name));
        }
    }
}
