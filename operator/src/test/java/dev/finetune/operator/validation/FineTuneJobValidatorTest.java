/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.api.v1alpha1.FineTuneJob;
import dev.finetune.operator.TestJobs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FineTuneJobValidatorTest {
  private final FineTuneJobValidator validator = new FineTuneJobValidator();

  @Test
  void minimalJobIsValid() {
    assertThat(validator.validate(TestJobs.minimal())).isEmpty();
  }

  @Test
  void missingSpecIsReported() {
    FineTuneJob job = TestJobs.minimal();
    job.setSpec(null);
    assertThat(validator.validate(job)).containsExactly("spec is required");
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    FineTuneJob job = TestJobs.minimal();
    job.getSpec().getModel().setSource(null);
    job.getSpec().getDataset().setFormat(null);
    assertThat(validator.validate(job))
        .containsExactlyInAnyOrder(
            "spec.model.source is required", "spec.dataset.format is required");
  }

  /** Each invalid spec fragment yields an error that starts with the field it names. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          hyperparameters: {learningRate: 0}          | spec.hyperparameters.learningRate must be > 0
          hyperparameters: {learningRate: 3}          | spec.hyperparameters.learningRate must be <= 1
          hyperparameters: {batchSize: 0}             | spec.hyperparameters.batchSize is 0; write a number of examples from 1 to 4096, or auto
          hyperparameters: {batchSize: all}           | spec.hyperparameters.batchSize is "all"; write a number of examples from 1 to 4096, or auto
          hyperparameters: {batchSize: 8, maxBatchSize: 16} | spec.hyperparameters.maxBatchSize goes with spec.hyperparameters.batchSize: auto
          hyperparameters: {warmupRatio: 0.1, warmupSteps: 10} | set either spec.hyperparameters.warmupRatio or spec.hyperparameters.warmupSteps
          hyperparameters: {epochs: 1, maxSteps: 10}  | set either spec.hyperparameters.epochs or spec.hyperparameters.maxSteps
          hyperparameters: {earlyStopping: {patience: 2}} | spec.hyperparameters.earlyStopping needs validation data
          method: {type: full, lora: {rank: 8}}       | spec.method.lora may only be set when spec.method.type is lora
          method: {type: lora, lora: {rank: 0}}       | spec.method.lora.rank must be >= 1
          method: {type: lora, lora: {dropout: 1}}    | spec.method.lora.dropout must be < 1
          method: {type: lora, lora: {targetModules: ["q proj"]}} | spec.method.lora.targetModules[0] is not a module name
          model: {source: hf://org/m, dtype: bfloat16} | spec.model.dtype bfloat16 is not supported: DJL's PyTorch engine
          model: {source: s3://bucket/model}          | spec.model.source is not valid
          model: {source: pvc://Bad_Claim/x}          | spec.model.source is not valid
          model: {source: pvc://claim/../etc}         | spec.model.source is not valid
          output: {source: hf://org/model}            | spec.output.source is not valid
          output: {publish: {to: https://registry.example/m}} | spec.output.publish.to is not valid
          output: {publish: {to: oci://registry.example/Models}} | spec.output.publish.to is not valid
          output: {publish: {}}                       | spec.output.publish.to is required
          output: {publish: {to: oci://r.example/m, what: merged}} | spec.output.publish.what merged is a LoRA run's merged model
          output: {publish: {to: oci://r.example/m, credentialsSecretRef: {name: Bad_Name}}} | spec.output.publish.credentialsSecretRef.name is not valid
          model: {source: oci://r.example/m@sha256:abc} | spec.model.source is not valid
          model: {source: hf://org/m, insecure: true} | spec.model.credentialsSecretRef and spec.model.insecure are for an oci:// source
          model: {source: hf://org/m, credentialsSecretRef: {name: pull}} | spec.model.credentialsSecretRef and spec.model.insecure are for an oci:// source
          resources: {gpus: 17}                       | spec.resources.gpus must be <= 16
          resources: {memory: 48GB}                   | spec.resources.memory is not valid
          resources: {cpu: lots}                      | spec.resources.cpu is not valid
          checkpoints: {keepLast: 0}                  | spec.checkpoints.keepLast must be >= 1
          checkpoints: {storage: {existingClaim: ws, size: 10Gi}} | spec.checkpoints.storage.existingClaim cannot be combined
          runPolicy: {backoffLimit: -1}               | spec.runPolicy.backoffLimit must be >= 0
          queueName: Team_A                           | spec.queueName is not valid
          """)
  void invalidFieldIsNamed(String fragment, String expectedStart) {
    FineTuneJob job = jobWith(fragment);
    List<String> errors = validator.validate(job);
    assertThat(errors)
        .as("errors for %s", fragment)
        .anySatisfy(e -> assertThat(e).startsWith(expectedStart));
  }

  @Test
  void datasetValidationFileAndSplitAreExclusive() {
    FineTuneJob job = TestJobs.minimal();
    var validation = new dev.finetune.api.v1alpha1.DataSource();
    validation.setSource("pvc://datasets/valid.jsonl");
    job.getSpec().getDataset().setValidation(validation);
    job.getSpec().getDataset().setValidationSplit(0.1);
    assertThat(validator.validate(job))
        .containsExactly(
            "set either spec.dataset.validation or spec.dataset.validationSplit, not both");
  }

  @Test
  void nameTooLongForTheTrainerJobIsReported() {
    FineTuneJob job = TestJobs.minimal();
    job.getMetadata().setName("a".repeat(56));
    assertThat(validator.validate(job))
        .singleElement()
        .asString()
        .startsWith("metadata.name must be at most 55 characters");
  }

  @Test
  void allErrorsAreReportedTogether() {
    FineTuneJob job =
        jobWith("hyperparameters: {batchSize: 0, learningRate: 2}\nresources: {gpus: -1}");
    assertThat(validator.validate(job)).hasSize(3);
  }

  /** A DPO job as a user writes it: objective dpo on preference data, DPO settings defaulted. */
  private static final String DPO =
      TestJobs.MINIMAL.replace("format: text", "format: preference")
          + "  method: {objective: dpo}\n";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          objective dpo, dpo defaulted | {objective: dpo}>{objective: dpo}
          every field, robust          | {objective: dpo}>{objective: dpo, dpo: {beta: 0.5, loss: robust, labelSmoothing: 0.1}}
          ipo, labelSmoothing 0        | {objective: dpo}>{objective: dpo, dpo: {loss: ipo, labelSmoothing: 0}}
          hinge, beta at its maximum   | {objective: dpo}>{objective: dpo, dpo: {beta: 1000, loss: hinge}}
          LoRA                         | {objective: dpo}>{type: lora, objective: dpo, lora: {rank: 8}, dpo: {beta: 0.2}}
          validation split             | format: preference>format: preference\\n    validationSplit: 0.1
          """)
  void aDpoJobOnPreferenceDataIsValid(String name, String replacements) {
    assertThat(validator.validate(TestJobs.fromYaml(replaced(DPO, replacements, name))))
        .as(name)
        .isEmpty();
  }

  /**
   * Every wrong combination of objective, data format, packing and DPO settings is refused with
   * exactly one error that names the field; the CRD's CEL rules (which a mock or old API server
   * does not apply) included.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          dpo on text data           | format: preference>format: text                   | spec.dataset.format text has no preference pairs; spec.method.objective dpo needs spec.dataset.format preference
          dpo on chat data           | format: preference>format: chat                   | spec.dataset.format chat has no preference pairs
          preference data, no dpo    | method: {objective: dpo}>method: {type: full}     | spec.dataset.format preference is for spec.method.objective dpo; set it, or give sft data
          preference data, sft       | objective: dpo>objective: sft                     | spec.dataset.format preference is for spec.method.objective dpo
          dpo with packing           | format: preference>format: preference\\n    packing: true | spec.dataset.packing is not supported with spec.method.objective dpo
          dpo settings without dpo   | format: preference>format: text;{objective: dpo}>{dpo: {beta: 0.5}} | spec.method.dpo may only be set when spec.method.objective is dpo
          dpo settings with sft      | format: preference>format: text;{objective: dpo}>{objective: sft, dpo: {}} | spec.method.dpo may only be set when spec.method.objective is dpo
          labelSmoothing, sigmoid    | {objective: dpo}>{objective: dpo, dpo: {loss: sigmoid, labelSmoothing: 0.1}} | spec.method.dpo.labelSmoothing is only used by spec.method.dpo.loss robust (loss is sigmoid)
          labelSmoothing, no loss    | {objective: dpo}>{objective: dpo, dpo: {labelSmoothing: 0.2}} | spec.method.dpo.labelSmoothing is only used by spec.method.dpo.loss robust (loss is sigmoid)
          labelSmoothing, ipo        | {objective: dpo}>{objective: dpo, dpo: {loss: ipo, labelSmoothing: 0.2}} | spec.method.dpo.labelSmoothing is only used by spec.method.dpo.loss robust (loss is ipo)
          labelSmoothing 0.5         | {objective: dpo}>{objective: dpo, dpo: {loss: robust, labelSmoothing: 0.5}} | spec.method.dpo.labelSmoothing must be < 0.5, got 0.5
          labelSmoothing negative    | {objective: dpo}>{objective: dpo, dpo: {loss: robust, labelSmoothing: -0.1}} | spec.method.dpo.labelSmoothing must be >= 0, got -0.1
          beta 0                     | {objective: dpo}>{objective: dpo, dpo: {beta: 0}}  | spec.method.dpo.beta must be > 0, got 0.0
          beta negative              | {objective: dpo}>{objective: dpo, dpo: {beta: -1}} | spec.method.dpo.beta must be > 0, got -1.0
          beta too large             | {objective: dpo}>{objective: dpo, dpo: {beta: 1001}} | spec.method.dpo.beta must be <= 1000, got 1001.0
          """)
  void aWrongDpoCombinationIsRefusedNamingItsField(
      String name, String replacements, String expectedStart) {
    assertThat(validator.validate(TestJobs.fromYaml(replaced(DPO, replacements, name))))
        .as(name)
        .singleElement()
        .asString()
        .startsWith(expectedStart);
  }

  /** The minimal job with a validation split, so that the validation loss can be compared. */
  private static final String WITH_SPLIT =
      TestJobs.MINIMAL.replace("format: text", "format: text\n    validationSplit: 0.1");

  private static final String TASKS =
      "evaluation:\n"
          + "  tasks:\n"
          + "  - {name: licenses, source: pvc://evals/licenses.jsonl, type: multipleChoice}\n"
          + "  - {name: wiki, source: hf://datasets/org/wiki/test.jsonl, type: loglikelihood}\n"
          + "  - {name: answers, source: https://example.com/a.jsonl, type: generate,"
          + " maxNewTokens: 64}\n";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          validation loss only, a split       | split | evaluation: {}
          validation loss, gate on it         | split | evaluation: {gate: {rules: [{task: validation, metric: loss, minDelta: 0.1}]}}
          notWorseThanBase                    | split | evaluation: {gate: {notWorseThanBase: true}}
          an empty gate                       | split | evaluation: {gate: {}}
          tasks without validation data       | none  | TASKS
          rules on each task type's metrics   | none  | TASKS  gate: {notWorseThanBase: true, rules: [{task: licenses, metric: acc_norm}, {task: wiki, metric: perplexity, minDelta: -0.5}, {task: wiki, metric: acc}, {task: answers, metric: exact_match}]}
          tasks and the validation loss       | split | TASKS  gate: {rules: [{task: licenses, metric: acc}, {task: validation, metric: loss}]}
          """)
  void aMeaningfulEvaluationIsValid(String name, String data, String evaluation) {
    String yaml = data.equals("split") ? WITH_SPLIT : TestJobs.MINIMAL;
    String fragment = evaluation.replace("TASKS  ", TASKS + "  ").replace("TASKS", TASKS);
    assertThat(validator.validate(TestJobs.fromYaml(yaml + fragment.indent(2)))).as(name).isEmpty();
  }

  /**
   * Each evaluation that cannot mean what it says is refused with one error naming the field (the
   * mock API server and an old CRD validate nothing, so the operator refuses it up front).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          nothing to compare               | none  | evaluation: {gate: {notWorseThanBase: true}} | spec.evaluation compares nothing: add spec.evaluation.tasks, or validation data
          an empty evaluation, no data     | none  | evaluation: {} | spec.evaluation compares nothing
          validation rule without data     | none  | TASKS  gate: {rules: [{task: validation, metric: loss}]} | spec.evaluation.gate.rules[0].task validation is the validation loss, and the job has no validation data: set spec.dataset.validation or spec.dataset.validationSplit
          validation rule, wrong metric    | split | evaluation: {gate: {rules: [{task: validation, metric: perplexity}]}} | spec.evaluation.gate.rules[0].metric perplexity is not reported by task validation; its metric is loss
          a rule on an unknown task        | split | TASKS  gate: {rules: [{task: licenses, metric: acc}, {task: license, metric: acc}]} | spec.evaluation.gate.rules[1].task license is not in spec.evaluation.tasks; name one of licenses, wiki, answers, validation
          a rule on a task, no tasks       | split | evaluation: {gate: {rules: [{task: mmlu, metric: acc}]}} | spec.evaluation.gate.rules[0].task mmlu is not in spec.evaluation.tasks; name one of validation
          multipleChoice has no perplexity | none  | TASKS  gate: {rules: [{task: licenses, metric: perplexity}]} | spec.evaluation.gate.rules[0].metric perplexity is not reported by task licenses (type multipleChoice); its metrics are acc, acc_norm
          generate has no acc              | none  | TASKS  gate: {rules: [{task: answers, metric: acc}]} | spec.evaluation.gate.rules[0].metric acc is not reported by task answers (type generate); its metrics are exact_match
          loglikelihood has no loss        | none  | TASKS  gate: {rules: [{task: wiki, metric: loss}]} | spec.evaluation.gate.rules[0].metric loss is not reported by task wiki (type loglikelihood); its metrics are perplexity, acc
          a task named validation          | split | evaluation: {tasks: [{name: validation, source: pvc://e/v.jsonl, type: loglikelihood}]} | spec.evaluation.tasks[0].name validation is the validation loss's
          two tasks of one name            | none  | evaluation: {tasks: [{name: qa, source: pvc://e/a.jsonl, type: generate}, {name: qa, source: pvc://e/b.jsonl, type: generate}]} | spec.evaluation.tasks[1].name qa is taken by an earlier task
          maxNewTokens, multipleChoice     | none  | evaluation: {tasks: [{name: qa, source: pvc://e/a.jsonl, type: multipleChoice, maxNewTokens: 8}]} | spec.evaluation.tasks[0].maxNewTokens is for type generate (this task is multipleChoice); remove it
          a task without a type            | none  | evaluation: {tasks: [{name: qa, source: pvc://e/a.jsonl}]} | spec.evaluation.tasks[0].type is required
          a task name with capitals        | none  | evaluation: {tasks: [{name: QA, source: pvc://e/a.jsonl, type: generate}]} | spec.evaluation.tasks[0].name is not valid: "QA"; write it as lower-case letters
          a task source on S3              | none  | evaluation: {tasks: [{name: qa, source: s3://b/a.jsonl, type: generate}]} | spec.evaluation.tasks[0].source is not valid
          maxNewTokens 0                   | none  | evaluation: {tasks: [{name: qa, source: pvc://e/a.jsonl, type: generate, maxNewTokens: 0}]} | spec.evaluation.tasks[0].maxNewTokens must be >= 1
          a rule without a metric          | split | evaluation: {gate: {rules: [{task: validation}]}} | spec.evaluation.gate.rules[0].metric is required
          """)
  void aMeaninglessEvaluationIsRefusedNamingItsField(
      String name, String data, String evaluation, String expectedStart) {
    String yaml = data.equals("split") ? WITH_SPLIT : TestJobs.MINIMAL;
    String fragment = evaluation.replace("TASKS  ", TASKS + "  ");
    assertThat(validator.validate(TestJobs.fromYaml(yaml + fragment.indent(2))))
        .as(name)
        .singleElement()
        .asString()
        .startsWith(expectedStart);
  }

  /**
   * {@code yaml} with each {@code from>to} of {@code replacements} (separated by ';') applied; a
   * backslash-n in {@code to} is a line break.
   */
  private static String replaced(String yaml, String replacements, String name) {
    for (String replacement : replacements.split(";")) {
      String[] fromTo = replacement.split(">", 2);
      assertThat(yaml).as(name).contains(fromTo[0]);
      yaml = yaml.replace(fromTo[0], fromTo[1].replace("\\n", "\n"));
    }
    return yaml;
  }

  private static FineTuneJob jobWith(String fragment) {
    // The minimal job's model/dataset are replaced when the fragment sets them.
    String base = TestJobs.MINIMAL;
    if (fragment.startsWith("model:")) {
      base = base.replace("  model: {source: hf://openai-community/gpt2}\n", "");
    }
    return TestJobs.fromYaml(base + fragment.indent(2));
  }
}
