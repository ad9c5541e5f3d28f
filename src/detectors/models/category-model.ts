// Category heads (which kind of injection, hazard or toxicity) asked of texts the core model flagged.
import { calibrate } from './calibrate.js';
import type { LinearModel } from './linear-model.js';
import { loadShippedModel } from './linear-model.js';

export interface CategoryScore {
  category: string;
  score: number;
}

export class CategoryModel {
  private readonly model: LinearModel;

  constructor(file: string) {
    this.model = loadShippedModel(file);
  }

  get categories(): string[] {
    return this.model.header.heads.map((h) => h.name);
  }

  /** Every category with its score, best first. */
  rank(normalizedText: string): CategoryScore[] {
    const p = this.model.score(normalizedText);
    return this.model.header.heads
      .map((h, k) => ({ category: h.name, score: calibrate(p[k]!, h.threshold) }))
      .sort((a, b) => b.score - a.score);
  }
}
