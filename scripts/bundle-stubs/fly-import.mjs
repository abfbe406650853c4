// Stand-in for fly-import in the bundle. yeoman-environment loads it to install generators on the fly,
// which pulls in npm's arborist and pacote: a fifth of phase4's start-up. phase4 ships its own generators
// and never installs one, so the stand-in keeps the repository path and refuses to install.
const refuse = () => {
  throw new Error('phase4 does not install generators on the fly');
};

export class FlyRepository {
  constructor({ repositoryPath } = {}) {
    this.repositoryPath = repositoryPath;
  }

  async install() {
    refuse();
  }
}

export const flyImport = async () => refuse();
