/*
 * Copyright 2026 The finetune-operator Authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.finetune.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finetune.api.testing.Fixtures;
import dev.finetune.trainer.io.SafetensorsFile;
import dev.finetune.trainer.io.SafetensorsWriter;
import dev.finetune.trainer.model.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gemma 3 4B and larger are {@code Gemma3ForConditionalGeneration}: tiny-gemma3's weights packed as
 * such a checkpoint (in both key layouts transformers has written, with a vision tensor beside)
 * load as the same language model, train, and are written back whole: the vision tensor unchanged,
 * the text weights under the source's names, LoRA adapters under PEFT's module paths of the
 * multimodal model with targets that leave the vision tower alone.
 */
class Gemma3MultimodalFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VISION = "vision_tower.vision_model.post_layernorm.weight";

  @ParameterizedTest
  @ValueSource(strings = {"language_model.model.", "model.language_model."})
  void theLanguageModelOfAMultimodalCheckpointTrainsAndIsWrittenBackWhole(
      String textPrefix, @TempDir Path dir) throws Exception {
    Path multimodal = multimodalCheckpoint(textPrefix, dir.resolve("gemma3-mm"));
    String visionKey = textPrefix.startsWith("model.") ? "model." + VISION : VISION;
    Path data = dir.resolve("data.jsonl");
    Files.write(data, Files.readAllLines(Fixtures.data("text.jsonl")).subList(0, 8));

    assertThat(lastLogits(multimodal)).containsExactly(lastLogits(Fixtures.model("tiny-gemma3")));

    Path full = dir.resolve("full");
    CliRun train = CliRun.of(trainArgs(multimodal, data, full).args());
    assertThat(train.code()).as(train.err()).isZero();
    SafetensorsFile written = SafetensorsFile.open(full.resolve("final/model.safetensors"));
    SafetensorsFile source = SafetensorsFile.open(multimodal.resolve("model.safetensors"));
    assertThat(written.tensors().keySet()).isEqualTo(source.tensors().keySet());
    assertThat(written.readFloats(visionKey)).containsExactly(source.readFloats(visionKey));
    String embedding = textPrefix + "embed_tokens.weight";
    assertThat(written.readFloats(embedding)).isNotEqualTo(source.readFloats(embedding));
    assertThat(JSON.readTree(full.resolve("final/config.json").toFile()).get("model_type").asText())
        .isEqualTo("gemma3");

    Path lora = dir.resolve("lora");
    CliRun loraRun =
        CliRun.of(
            trainArgs(multimodal, data, lora)
                .with("--method", "lora")
                .with("--lora-target-modules", "q_proj,up_proj")
                .with("--merge-adapter")
                .args());
    assertThat(loraRun.code()).as(loraRun.err()).isZero();
    SafetensorsFile adapter = SafetensorsFile.open(lora.resolve("final/adapter_model.safetensors"));
    assertThat(adapter.tensors())
        .containsKeys(
            "base_model.model.model.language_model.layers.0.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.language_model.layers.2.mlp.up_proj.lora_B.weight");
    JsonNode adapterConfig = JSON.readTree(lora.resolve("final/adapter_config.json").toFile());
    Pattern targets = Pattern.compile(adapterConfig.get("target_modules").asText());
    assertThat(targets.matcher("model.language_model.layers.0.self_attn.q_proj").matches())
        .isTrue();
    assertThat(targets.matcher("model.language_model.layers.1.mlp.up_proj").matches()).isTrue();
    assertThat(targets.matcher("model.language_model.layers.1.self_attn.k_proj").matches())
        .isFalse();
    assertThat(
            targets
                .matcher("model.vision_tower.vision_model.encoder.layers.0.self_attn.q_proj")
                .matches())
        .as("the vision tower's q_proj is not a target")
        .isFalse();
    SafetensorsFile merged = SafetensorsFile.open(lora.resolve("merged/model.safetensors"));
    assertThat(merged.readFloats(visionKey)).containsExactly(source.readFloats(visionKey));

    CliRun withAdapter =
        CliRun.of(
            "evaluate",
            "--model",
            multimodal.toString(),
            "--adapter",
            lora.resolve("final").toString(),
            "--data",
            data.toString(),
            "--format",
            "text",
            "--max-length",
            "32",
            "--batch-size",
            "4");
    assertThat(withAdapter.code()).as(withAdapter.err()).isZero();
    assertThat(JSON.readTree(withAdapter.lastLine()).get("loss").asDouble())
        .isCloseTo(TrainerStateLog.lastEvalLoss(lora), within(1e-6));
  }

  private static TrainArgs trainArgs(Path model, Path data, Path out) {
    return TrainArgs.train()
        .model(model)
        .data(data)
        .with("--eval-data", data)
        .format("text")
        .maxLength(32)
        .batchSize(4)
        .maxSteps(2)
        .with("--eval-every-steps", "2")
        .learningRate("1e-2")
        .output(out);
  }

  /** tiny-gemma3 as Gemma3ForConditionalGeneration, its text weights under {@code textPrefix}. */
  private static Path multimodalCheckpoint(String textPrefix, Path dir) throws Exception {
    Path text = Fixtures.model("tiny-gemma3");
    Files.createDirectories(dir);
    ObjectNode textConfig = (ObjectNode) JSON.readTree(text.resolve("config.json").toFile());
    textConfig.remove("architectures");
    ObjectNode config = JSON.createObjectNode();
    config.putArray("architectures").add("Gemma3ForConditionalGeneration");
    config.put("model_type", "gemma3");
    config.put("eos_token_id", 50256);
    config.set("text_config", textConfig);
    config.putObject("vision_config").put("model_type", "siglip_vision_model");
    Files.writeString(dir.resolve("config.json"), config.toString());
    for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(text.resolve(f), dir.resolve(f));
    }
    SafetensorsFile weights = SafetensorsFile.open(text.resolve("model.safetensors"));
    Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
    for (String key : weights.tensors().keySet()) {
      tensors.put(
          textPrefix + key.substring("model.".length()),
          new SafetensorsWriter.Tensor(
              weights.tensors().get(key).shape(), weights.readFloats(key)));
    }
    String visionKey = textPrefix.startsWith("model.") ? "model." + VISION : VISION;
    tensors.put(
        visionKey, new SafetensorsWriter.Tensor(new long[] {4}, new float[] {1f, 2f, 3f, 4f}));
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
    return dir;
  }

  private static float[] lastLogits(Path model) {
    try (NDManager manager = NDManager.newBaseManager()) {
      long[] ids = {16190, 318, 10431, 284, 4866, 290};
      return ModelLoader.load(model, manager)
          .block()
          .logits(manager.create(ids).reshape(1, ids.length))
          .get("0, 5, 0:32")
          .toFloatArray();
    }
  }
}
